"""Russian names of the S1000D elements and attributes that renderers show as labelled records and facts.

English labels are made from the names themselves (descrForPart -> Descr for part); Russian ones are written
here, one `name|Russian` a line. Families whose names follow a rule (a wiring field's description, a business
rule's relation to an attribute, the schema flags of a BREX) are named by that rule in labels.py.
"""

from __future__ import annotations


def _table(text: str) -> dict[str, str]:
    out = {}
    for line in text.strip().splitlines():
        name, _, ru = line.strip().partition("|")
        out[name] = ru
    return out


ELEMENTS = _table("""
itemIdentData|Идентификация
descrForPart|Описание
techData|Технические данные
supplyRef|Материал
partSpec|Деталь
partIdent|Обозначение детали
partUsage|Применение
threshold|Порог
thresholdValue|Значение порога
snsCode|Код СНС
snsTitle|Наименование
toolSpec|Инструмент
toolIdent|Обозначение инструмента
procurementData|Данные закупки
toolAlts|Варианты инструмента
tool|Инструмент
itemDescr|Описание
remarks|Примечания
objectUse|Назначение
taskDefinition|Задача
task|Работа
taskTitle|Наименование работы
taskDescr|Описание работы
limit|Ограничение
inspectionType|Вид осмотра
snsSubSystem|Подсистема
structureObjectRule|Правило
objectPath|Путь
supplySpec|Материал
supplyIdent|Обозначение материала
assign|Значение
snsSystem|Система
enumeration|Перечень значений
productModel|Модель изделия
modelName|Наименование модели
frontMatterInfo|Сведения
reducedPara|Абзац
product|Изделие
displayName|Отображаемое имя
objectValue|Значение
shortPmTitle|Краткое наименование
pmCode|Код публикации
issueInfo|Выпуск
issueDate|Дата выпуска
productAndModel|Изделие и модель
productName|Наименование изделия
security|Гриф
responsiblePartnerCompany|Ответственная организация
enterpriseName|Организация
productAttribute|Свойство изделия
partLocationSegment|Размещение детали
notIllustrated|Не показано на рисунке
partRepository|Детали
supplyRepository|Материалы
toolRepository|Инструмент
productCrossRefTable|Таблица изделий
condCrossRefTable|Таблица условий
condTypeList|Типы условий
condType|Тип условия
condList|Условия
cond|Условие
applicCrossRefTable|Таблица применимости
productAttributeList|Свойства изделия
condCrossRefTableRef|Ссылка на таблицу условий
productCrossRefTableRef|Ссылка на таблицу изделий
brex|Бизнес-правила
snsRules|Правила СНС
snsDescr|Структура СНС
contextRules|Правила
structureObjectRuleGroup|Правила структуры
notationRuleList|Форматы
notationRule|Формат
notationName|Формат
timeLimitInfo|Сроки
timeLimit|Срок
limitType|Тип ограничения
tolerance|Допуск
equipGroup|Оборудование
equip|Оборудование
name|Наименование
quantityPerNextHigherAssy|Кол-во на сборку
reasonForSelection|Причина выбора
locationRcmdSegment|Рекомендации
locationRcmd|Рекомендация
service|Служба
sourceMaintRecoverability|Код SMR
unitOfIssue|Ед. поставки
genericPartDataGroup|Доп. данные
genericPartData|Данные
genericPartDataValue|Значение
faultDescr|Описание неисправности
detectionInfo|Обнаружение
isolateDetectedFault|Локализация
lruItem|Блок
lru|Блок
contextAndIsolationInfo|Условия и локализация
faultContext|Условия
isolationInfo|Локализация
locateAndRepair|Поиск и ремонт
repair|Ремонт
wireIdent|Провод
wireConnection|Соединение
fromEquip|Откуда
toEquip|Куда
contact|Контакт
wireInfo|Данные провода
applicCrossRefTableCatalog|Каталог таблиц применимости
applicCrossRefTableCatalogItem|Таблица применимости
associate|Связь
attachStoreShipPart|Деталь для хранения и отправки
basicCorrelatedFaults|Связанные неисправности
bitMessage|Сообщение встроенного контроля
blockGroupingValue|Группировка по блокам
brCategory|Категория правила
brCategoryDescription|Описание категории
brCategoryGroup|Категории правил
brDecision|Решение
brDecisionPending|Решение не принято
brDecisionPointContent|Точка принятия решения
brDecisionPointText|Вопрос
brDecisionPointValue|Вариант
brDecisionPointValueGroup|Варианты
brDecisionRef|Ссылка на решение
brDecisionText|Текст решения
brDecisionValue|Значение решения
brDecisionValueGroup|Значения решения
brDoc|Документ бизнес-правил
brLevelledPara|Раздел
brPara|Правило
brRelatedTo|Относится к
businessUnit|Подразделение
businessUnitAddress|Адрес подразделения
businessUnitName|Наименование подразделения
catalogSeqNumberRef|Ссылка на позицию каталога
changeAuthority|Основание изменения
changeAuthorityData|Данные об основании изменения
changeAuthorityDataGroup|Основания изменения
circuitIdent|Цепь
city|Город
componentAssy|Сборочная единица
condIncorporation|Внедрение условия
configAttributes|Признаки конфигурации
connectionListClass|Класс перечня соединений
contactInfo|Контактные данные
contactOrderValue|Порядок контакта
controlIndicatorDescr|Описание
controlIndicatorFunction|Назначение
controlIndicatorKey|Позиция
controlIndicatorName|Наименование
copyright|Авторские права
country|Страна
dataConds|Условия использования данных
dataDestruction|Уничтожение данных
dataDisclosure|Раскрытие данных
dataDistribution|Распространение данных
dataHandling|Обращение с данными
dataRestrictions|Ограничения на данные
dependency|Зависимость
descrContact|Описание поля: контакт
descrCrew|Описание экипажа
descrElectricalEquip|Описание поля: электрооборудование
descrEmcCode|Описание поля: код ЭМС
descrFeedThru|Описание поля: проходной соединитель
descrForLocation|Описание места
descrFunctionalItemRef|Описание поля: функциональный элемент
descrGroupCode|Описание поля: код группы
descrHarness|Описание поля: жгут
descrHarnessEnvironment|Описание поля: условия работы жгута
descrHarnessIdent|Описание поля: обозначение жгута
descrHarnessName|Описание поля: наименование жгута
descrHarnessVariantIdent|Описание поля: вариант жгута
descrHarnessVariantIssue|Описание поля: выпуск варианта жгута
descrInstallationLocation|Описание поля: место установки
descrLength|Описание поля: длина
descrMaxMountingPositions|Описание поля: наибольшее число мест установки
descrMaxTemperature|Описание поля: наибольшая температура
descrMinTemperature|Описание поля: наименьшая температура
descrNextHigherAssy|Описание поля: сборка верхнего уровня
descrPartNumber|Описание поля: номер детали
descrPositionOnNextHigherAssy|Описание поля: место на сборке верхнего уровня
descrReqQuantity|Описание поля: требуемое количество
descrResponsiblePartnerCompany|Описание поля: ответственная организация
descrScreen|Описание поля: экран
descrSiblingPlugIdent|Описание поля: ответный разъём
descrSleeve|Описание поля: трубка
descrTransverseLink|Описание поля: поперечная связь
descrTwist|Описание поля: скрутка
descrWire|Описание поля: провод
descrWireColor|Описание поля: цвет провода
descrWireGauge|Описание поля: сечение провода
descrWireInfoCircuitIdent|Описание поля: цепь провода
descrWireInfoSectionIdent|Описание поля: участок провода
descrWireNumber|Описание поля: номер провода
descrWireSeqNumber|Описание поля: порядковый номер провода
descrWireType|Описание поля: тип провода
detectedLruItem|Обнаруженный блок
documentIncorporation|Внедрение документа
electricalEquip|Электрооборудование
electricalEquipConnection|Подключение электрооборудования
electricalEquipGroup|Электрооборудование
electricalPotential|Электрический потенциал
emcCode|Код ЭМС
exportControl|Экспортный контроль
exportRegistrationStmt|Заявление об экспортной регистрации
externalAssert|Внешнее условие
externalProductAttribute|Внешнее свойство изделия
fault|Неисправность
feedThru|Проходной соединитель
fieldName|Имя поля
footnoteRemarks|Примечания в сносках
functionalItem|Функциональный элемент
functionalItemAlts|Варианты функционального элемента
functionalItemFamily|Семейство
functionalPhysicalAreaRefGroup|Входящие зоны
genericProperty|Свойство
genericPropertyGroup|Свойства
groupCode|Код группы
groupNumber|Номер группы
harness|Жгут
harnessEnvironment|Условия работы жгута
harnessGroup|Жгуты
harnessIdent|Обозначение жгута
harnessInfo|Сведения о жгуте
harnessName|Наименование жгута
harnessVariantIdent|Вариант жгута
harnessVariantIssue|Выпуск варианта жгута
incorporation|Внедрение
incorporationStatus|Состояние внедрения
initialProvisioningProject|Проект начального снабжения
inspection|Осмотр
inspectionDefinition|Описание осмотра
installationInfo|Сведения об установке
installationLocation|Место установки
learning|Обучение
learningAssessment|Оценка обучения
learningContent|Учебный материал
learningPlan|План обучения
learningSummary|Итоги обучения
learningOverview|Обзор обучения
length|Длина
limitRange|Диапазон
limitRangeFrom|От
limitRangeTo|До
locateAndRepairLruItem|Блок для поиска и ремонта
location|Расположение
maintAllocation|Распределение работ
maintAllocationGroup|Распределение работ
maintFunction|Вид работ
maintLevel|Уровень обслуживания
maintLevelGroup|Уровни обслуживания
maintQualifier|Уточнение
maxMountingPositions|Наибольшее число мест установки
maxTemperature|Наибольшая температура
minTemperature|Наименьшая температура
modelVersion|Версия модели
networkAnalysisCode|Код анализа сети
nextHigherAssy|Сборка верхнего уровня
noInfo|Нет сведений
nonContextRule|Правило вне контекста
nonContextRules|Правила вне контекста
physicalSecurityPilferageCode|Код защиты от хищения
policyStatement|Положение
positionOnNextHigherAssy|Место на сборке верхнего уровня
potentialConnectionsOrder|Порядок подключения
productDefinitionRelationship|Связь определения изделия
productionMaintData|Данные производства и обслуживания
remarkCode|Код примечания
remarksGroup|Примечания
remarksList|Перечень примечаний
remarksRefs|Ссылки на примечания
replacedBy|Заменяется на
restrictionInfo|Сведения об ограничениях
restrictionInstructions|Указания по ограничениям
routing|Прокладка
rqmtSource|Источник требования
s1000dSchemas|Схемы S1000D
sb|Сервисный бюллетень
sbAccomplishmentInstructions|Порядок выполнения бюллетеня
sbAccomplishmentLimit|Срок выполнения
sbAdditionalInfo|Дополнительные сведения
sbAlteredToPart|Изменённая деталь
sbApproval|Одобрение
sbApprovedDm|Одобренный модуль данных
sbAvailability|Доступность
sbCompliance|Обязательность выполнения
sbCondition|Условие
sbConcurrentSbList|Одновременно выполняемые бюллетени
sbDuration|Продолжительность
sbEstimatedTime|Расчётное время
sbImpact|Влияние
sbImpactList|Перечень влияний
sbIndividualRemovedSpare|Снимаемая деталь
sbIndividualSpare|Запасная часть
sbIndividualSupply|Материал
sbIndividualSupportEquip|Оборудование
sbInterchange|Взаимозаменяемость
sbLimit|Ограничение
sbManagementInfo|Управленческие сведения
sbMaterialDescr|Описание материалов
sbMaterialInfo|Сведения о материалах
sbMaterialInfoContent|Материалы
sbMaterialSet|Комплект материалов
sbMaterialSetList|Комплекты материалов
sbMaterialSetRef|Ссылка на комплект материалов
sbOriginalIssueDate|Дата первого выпуска
sbPlanningInfo|Сведения для планирования
sbPriceInfo|Сведения о цене
sbProcurementAddress|Адрес заказа
sbProcurementInfo|Сведения о заказе
sbProductModification|Доработка изделия
sbProductModificationList|Доработки изделия
sbRemovedSpareDescr|Описание снимаемой детали
sbRemovedSpareSet|Комплект снимаемых деталей
sbRemovedSparesList|Снимаемые детали
sbReplacement|Замена
sbRevisionInfo|Сведения о редакции
sbSpareSet|Комплект запасных частей
sbSparesList|Запасные части
sbSummary|Краткое содержание
sbSuppliesList|Материалы
sbSupportEquipSet|Комплект оборудования
sbSupportEquipsList|Оборудование
sbTaskType|Вид работ
sbTimeAssessment|Оценка времени
sbTimeCompliance|Сроки выполнения
sbTimeInfo|Сведения о времени
sbTopic|Тема
sbTopicContent|Содержание темы
screen|Экран
screenGroup|Экраны
screenOrder|Порядок экранов
sectionIdent|Участок
shuntGroupingValue|Группировка шунтов
siblingPlugIdent|Ответный разъём
sleeve|Трубка
sleeveGroup|Трубки
sourceDocRef|Исходный документ
sourceType|Вид источника
specialConnection|Особое соединение
specialStorage|Особые условия хранения
street|Улица
supervisorLevel|Уровень контроля
taskDuration|Продолжительность работы
taskGroup|Группа работ
taskItem|Работа
temperature|Температура
terminationModuleGroupingValue|Группировка оконечных модулей
testDescr|Описание проверки
testName|Наименование проверки
testParameters|Параметры проверки
timeLimitCategory|Категория срока
toolsList|Перечень инструмента
toolsListCode|Код перечня инструмента
toolsListGroup|Перечни инструмента
toolsRefs|Ссылки на инструмент
transverseLink|Поперечная связь
trigger|Признак запуска
twist|Скрутка
twistGroup|Скрутки
wireCode|Код провода
wireColor|Цвет провода
wireConnectionCode|Код соединения
wireGauge|Сечение провода
wireNumber|Номер провода
wireSeqNumber|Порядковый номер провода
wireType|Тип провода
workArea|Рабочая зона
workAreaLocationGroup|Рабочие зоны
workLocation|Место работы
zone|Зона
zoneAlts|Варианты зоны
zoneRefGroup|Связанные зоны
lcAbilities|Способности
lcAccessibility|Доступность
lcActualPerformanceStatement|Фактический уровень выполнения
lcAge|Возраст
lcAnswerOption|Вариант ответа
lcAnswerOptionContent|Текст варианта ответа
lcAnswerOptionGroup|Варианты ответа
lcAssessmentComponent|Элемент оценки
lcAssessmentStrategy|Стратегия оценки
lcAttitude|Отношение
lcAttitudeTowardContent|Отношение к материалу
lcBrowsers|Браузеры
lcCapacity|Вместимость
lcCauseAnalysis|Анализ причин
lcClassroom|Учебный класс
lcClient|Заказчик
lcCorrectResponse|Правильный ответ
lcCourseIdentNumber|Номер курса
lcCurrentEntryBehaviors|Текущий уровень подготовки
lcData|Данные
lcDeliveryDate|Дата проведения
lcDesiredPerformanceStatement|Требуемый уровень выполнения
lcDownloadTime|Время загрузки
lcDragAndDrop|Перетаскивание
lcDuration|Продолжительность
lcEducationLevel|Уровень образования
lcEnvironmentalFactor|Фактор среды
lcFeedbackItem|Отзыв
lcFeedbackItemGroup|Отзывы
lcFileSizeLimitations|Ограничения размера файлов
lcFormativeEvaluation|Промежуточная оценка
lcGapAnalysis|Анализ разрывов
lcGapItem|Разрыв
lcGapStatement|Описание разрыва
lcGoalStatement|Цель
lcGraphicStandards|Требования к графике
lcHumanResourceDevelopment|Развитие персонала
lcImmediatePerformanceCompetence|Текущая компетентность
lcIncentives|Стимулы
lcInstruction|Указание
lcInteraction|Взаимодействие
lcInternalFactor|Внутренний фактор
lcInterventionDefinition|Определение мер
lcInterventionImplementation|Реализация мер
lcItem|Элемент
lcJobCode|Код должности
lcJobDesign|Проектирование работ
lcJobTitle|Должность
lcJobTransfer|Перенос на работу
lcJtaItem|Элемент анализа работ
lcKnowledge|Знания
lcLearningPlan|План обучения
lcLearningPreferences|Предпочтения в обучении
lcLearningStrategy|Стратегия обучения
lcLms|Система управления обучением
lcLocalCultureConsiderations|Местные культурные особенности
lcManagerialSupport|Поддержка руководства
lcMasteryScoreCriteria|Критерии освоения
lcMatchTable|Таблица соответствия
lcMatchingItem|Элемент соответствия
lcMatchingPair|Пара соответствия
lcMinimumPassThreshold|Проходной порог
lcMissionStatement|Миссия
lcModificationDate|Дата изменения
lcMotives|Мотивы
lcNextSteps|Дальнейшие шаги
lcNonLmsItEnvironment|ИТ-среда вне СУО
lcNonTrainingInterventions|Меры помимо обучения
lcObjectiveStatement|Цель обучения
lcOjt|Обучение на рабочем месте
lcOrganizationalAnalysis|Анализ организации
lcOrganizationalCommunication|Коммуникации в организации
lcOrganizationalDesign|Структура организации
lcOrganizationalEnvironmentAnalysis|Анализ среды организации
lcOrganizationalImpact|Влияние на организацию
lcPaperBasedMaterials|Печатные материалы
lcPerformanceAnalysis|Анализ выполнения
lcPerformanceEvaluation|Оценка выполнения
lcPerformanceRubric|Критерии оценки выполнения
lcPerformanceSupport|Поддержка выполнения
lcPerformerAnalysis|Анализ исполнителей
lcPersonalDevelopment|Личное развитие
lcPhysicalAspectsOfSite|Условия на месте
lcPlanSubject|Тема плана
lcPlayers|Участники
lcPrerequisites|Предварительные требования
lcProfessionalBackground|Профессиональная подготовка
lcProject|Проект
lcQuestion|Вопрос
lcRequiredEntryBehaviors|Требуемый уровень подготовки
lcRequiredEquipment|Требуемое оборудование
lcRequiredFacilities|Требуемые помещения
lcRequiredFinances|Требуемые средства
lcRequiredPersonnel|Требуемый персонал
lcResolution|Разрешение экрана
lcResources|Ресурсы
lcScoringMethod|Способ оценки
lcSection|Раздел
lcSecurity|Безопасность
lcSingleSelect|Выбор одного ответа
lcSkills|Навыки
lcSocialAspectsOfSite|Социальные условия на месте
lcSpecialFactors|Особые факторы
lcSummativeEvaluation|Итоговая оценка
lcTargetAudience|Целевая аудитория
lcTechnicalRqmts|Технические требования
lcTime|Время
lcTrainingComponent|Элемент обучения
lcTrainingInterventions|Учебные меры
lcTrainingType|Вид обучения
lcValues|Ценности
lcViewers|Средства просмотра
lcVisionStatement|Видение
lcWorkEnvironmentAnalysis|Анализ рабочей среды
""")

ATTRIBUTES = _table("""
allowedNotationFlag|Формат разрешён
cancelCaption|Надпись кнопки отмены
circuitBreakerRefType|Вид ссылки на автомат защиты
circuitBreakerType|Вид автомата защиты
commentPriorityCode|Приоритет комментария
frontMatterType|Вид вводной части
functionalItemRefType|Вид ссылки на функциональный элемент
hazardousClassValue|Класс опасности
partCharacteristic|Характеристика детали
pmEntryType|Вид раздела публикации
productCategory|Категория изделия
refType|Вид ссылки
reqCondCategory|Категория условия
resetCaption|Надпись кнопки сброса
submitCaption|Надпись кнопки подтверждения
updateReasonType|Вид причины изменения
accessPointTypeValue|Вид люка
acronymType|Вид сокращения
barCodeSymbology|Вид штрихкода
caveat|Предостерегающая пометка
checkListCategory|Категория контрольного перечня
color|Цвет
commercialClassification|Коммерческая классификация
crewMemberType|Член экипажа
crewStepCondition|Условие шага экипажа
drillType|Вид отработки
emphasisType|Вид выделения
frontMatterInfoType|Вид сведений вводной части
internalRefTargetType|Вид цели ссылки
itemCharacteristic|Характеристика позиции
listItemPrefix|Маркер списка
lowestLevel|Низший уровень
partStatus|Состояние детали
productItemType|Вид позиции изделия
quantityType|Вид количества
reqTechInfoCategory|Категория технической информации
scoEntryType|Вид учебного объекта
significantParaDataType|Вид значимых данных
verbatimStyle|Стиль дословного текста
allowedObjectFlag|Объект разрешён
applicPropertyIdent|Свойство
applicPropertyType|Вид свойства
approval|Одобрение
associationType|Вид связи
assyCode|Код сборки
attachStoreShipPartCode|Код детали для хранения и отправки
attemptMatch|Попытки
brCategoryNumber|Номер категории
brDecisionIdentNumber|Номер решения
brDecisionPointUniqueIdent|Точка решения
brDecisionValueAllowed|Допустимое значение
brDecisionValueRegistered|Зарегистрированное значение
brDecisionValueSelection|Выбор значения
brSeverityLevel|Важность
brexRuleFlag|Правило BREX
closeupDuration|Продолжительность завершения
condIssueNumber|Номер выпуска условия
condNumber|Номер условия
condRefId|Условие
condTypeName|Тип условия
contactFunction|Назначение контакта
contactIdent|Контакт
contactPartNumber|Номер детали контакта
contextIdent|Контекст
controlIndicatorNumber|Номер
day|День
defaultBrSeverityLevel|Важность по умолчанию
dependencyTest|Проверка зависимости
detectionType|Способ обнаружения
enterpriseCode|Код организации
faultCode|Код неисправности
figureNumber|Рисунок
figureNumberVariant|Вариант рисунка
fileIdent|Файл
forCondValues|Для значений условия
from|От
function|Функция
functionalItemType|Вид функционального элемента
genericPartDataName|Наименование данных
genericPropertyFlag|Общее свойство
genericPropertyType|Вид свойства
highVibrationFlag|Высокая вибрация
holeIdent|Отверстие
hydraulicFlag|Гидравлика
inWork|Промежуточный выпуск
incorporationStatus|Состояние внедрения
initialProvisioningProjectNumber|Номер проекта снабжения
initialProvisioningProjectNumberSubject|Предмет проекта снабжения
inspectionTypeCategory|Категория осмотра
installationIdent|Место установки
installationLocationType|Вид места установки
issueNumber|Номер выпуска
item|Позиция
itemLocationCode|Код места выполнения
itemOriginator|Происхождение
itemSeqNumberValue|Номер варианта позиции
lcName|Наименование
limitCond|Условие ограничения
limitTypeValue|Вид ограничения
limitUnitType|Единица ограничения
maintLevelCode|Уровень обслуживания
manufacturerCodeValue|Код изготовителя
materialUsage|Назначение материала
modelIdentCode|Код модели
modelVersionValue|Версия модели
month|Месяц
mountPosition|Место крепления
normativeComponentFlag|Нормативный элемент
partNumberValue|Номер детали
partUsageCode|Применение детали
pmIssuer|Выпускающая организация
pmNumber|Номер публикации
pmVolume|Том
procedureDuration|Продолжительность процедуры
reasonForSelectionValue|Причина выбора
reducedMaint|Сокращённое обслуживание
replacementCode|Код замены
rulesContext|Контекст правил
sbAggregationLevelFlag|Сводный бюллетень
sbApprovalIdent|Одобрение
sbComplianceCategory|Обязательность
sbImpactType|Вид влияния
sbMaterialIdent|Материал
sbMaterialIssue|Выпуск материала
sbMaterialType|Вид материала
sbModificationClassification|Класс доработки
sbModificationIdent|Доработка
sbProcurableFlag|Можно заказать
sbSupplierValue|Поставщик
sbTaskCategory|Категория работы
sbTimeComplianceType|Вид срока
sbTopicType|Вид темы
screenLevel|Уровень экрана
screenStyle|Вид экрана
screenType|Тип экрана
sealedFlag|Герметичность
securityClassification|Гриф
shuffle|Перемешивать
skillLevelCode|Квалификация
skillType|Специализация
sleeveMaterial|Материал трубки
sourceCriticality|Важность источника
sourceOfRqmt|Источник требования
sourceTypeCode|Вид источника
startupDuration|Продолжительность подготовки
subSubSystemCode|Код под-подсистемы
subSystemCode|Код подсистемы
supervisorLevelCode|Уровень контроля
supplyNumberType|Вид номера материала
systemCode|Код системы
systemDiffCode|Код различия систем
taskCode|Код работы
taskIdent|Работа
taskName|Наименование работы
taskSeqNumber|Порядковый номер работы
thresholdType|Вид порога
thresholdUnitOfMeasure|Единица порога
timeLimitCategoryValue|Категория срока
timeLimitIdent|Срок
to|До
toleranceType|Вид допуска
toleranceValue|Допуск
twistingType|Вид скрутки
unitOfMeasure|Единица измерения
valueAllowed|Допустимое значение
valueForm|Вид значения
valueTailoring|Настройка значения
wireGaugeType|Вид сечения
wireInstallationDirection|Направление прокладки
wireLengthType|Вид длины
worthinessLimit|Предел годности
year|Год
zoneRefType|Вид связи зон
zoneType|Вид зоны
""")
