"""The names of S1000D information codes (the third part of a data module code says what a module is about).

The list is a fact of the specification (Chap 8.4, as the S1000D default BREX of Issues 4.2 and 5.0 enumerates
it), written here in ietm's own words with a Russian name for each. A project-available code (one the
specification leaves to projects, such as 05A) is named by the group it belongs to (050, else 000).
"""

from __future__ import annotations

from functools import cache

#: code | English | Russian ("x01".."x07", the lists that go with a group, are made from _LISTS below)
_TABLE = """
000|Function, data for plans and description|Назначение, данные для планирования и описание
001|Title page|Титульный лист
002|List of pages or data modules|Перечень страниц или модулей данных
003|Change record or highlights|Лист регистрации изменений или перечень изменений
004|Access illustration|Иллюстрация доступа
005|List of abbreviations|Перечень сокращений
006|List of terms|Перечень терминов
007|List of symbols|Перечень условных обозначений
008|Technical standard record|Запись о техническом стандарте
009|Table of contents|Содержание
010|General data|Общие сведения
011|Function|Назначение
012|General warnings and cautions and related safety data|Общие предупреждения, предостережения и меры безопасности
013|Numeric index|Цифровой указатель
014|Alphabetic and alphanumeric index|Алфавитный и буквенно-цифровой указатель
015|List of special materials|Перечень специальных материалов
016|List of dangerous materials|Перечень опасных материалов
017|List of related data|Перечень связанных документов
018|Introduction|Введение
019|Supplier list|Перечень поставщиков
020|Configuration|Конфигурация
021|Copyright|Авторские права
022|Business rules exchange|Обмен бизнес-правилами (BREX)
023|Administrative forms and data|Административные формы и данные
024|Business rules document|Документ бизнес-правил
025|Export control policy|Политика экспортного контроля
026|Regulatory policy|Нормативные требования
028|General|Общие положения
029|Data structure|Структура данных
030|Technical data|Технические данные
031|Electrical standard parts data|Данные стандартных электротехнических изделий
033|Technical data (functional breakdown)|Технические данные (функциональное деление)
034|Technical data (physical breakdown)|Технические данные (физическое деление)
040|Description|Описание
041|Description of how it is made|Описание устройства
042|Description of function|Описание работы
043|Description of function attributed to crew (functional breakdown)|Описание функций экипажа (функциональное деление)
044|Description of function (physical breakdown)|Описание работы (физическое деление)
045|Designated use|Назначение и применение
046|Dependence on peripheral systems/equipment|Зависимость от смежных систем и оборудования
050|Diagram/List|Схема или перечень
051|Wiring diagram|Схема электрических соединений
052|Routing diagram|Схема прокладки
053|Connection list|Перечень соединений
054|Schematic diagram|Принципиальная схема
055|Location diagram|Схема расположения
056|Equipment list|Перечень оборудования
057|Wire list|Перечень проводов
058|Harness list|Перечень жгутов
059|Maintenance envelope diagram|Схема зон обслуживания
060|Product support equipment, tools and software|Оборудование, инструмент и программное обеспечение для обслуживания изделия
061|Special support equipment and tools|Специальное оборудование и инструмент
062|Standard support equipment and tools|Стандартное оборудование и инструмент
063|Government supplied support equipment and tools|Оборудование и инструмент, поставляемые заказчиком
064|Locally made support equipment and tools|Оборудование и инструмент местного изготовления
065|Software|Программное обеспечение
066|Support equipment and tools data|Данные об оборудовании и инструменте
067|Decals and instruction plates|Наклейки и таблички с указаниями
070|Consumables, materials and expendables|Расходные материалы, материалы и расходуемые изделия
071|Consumables|Расходные материалы
072|Materials|Материалы
073|Expendables|Расходуемые изделия
074|Data sheet for dangerous consumables and materials|Паспорт безопасности опасных материалов
075|Parts list|Перечень деталей
076|Fluid|Рабочие жидкости
077|Data sheet for consumables and materials|Паспорт расходных материалов и материалов
078|Fasteners|Крепёжные изделия
080|Mixture and solution|Смеси и растворы
081|Chemical solution|Химический раствор
082|Chemical mixture|Химическая смесь
090|Software documentation|Программная документация
096|Safety items and parts|Изделия и детали, влияющие на безопасность
00A|List of illustrations|Перечень иллюстраций
00B|List of support equipment|Перечень оборудования и инструмента
00C|List of supplies|Перечень расходных материалов
00D|List of spares|Перечень запасных частей
00E|Functional item numbers common information repository|Общий репозиторий функциональных обозначений
00F|Circuit breakers common information repository|Общий репозиторий автоматов защиты
00G|Parts common information repository|Общий репозиторий деталей
00H|Zones common information repository|Общий репозиторий зон
00J|Access panels and doors common information repository|Общий репозиторий люков и панелей доступа
00K|Organizations common information repository|Общий репозиторий организаций
00L|Supplies - List of products common information repository|Общий репозиторий расходных материалов
00M|Supplies - List of requirements common information repository|Общий репозиторий потребности в расходных материалах
00N|Support equipment common information repository|Общий репозиторий оборудования и инструмента
00P|Product cross-reference table (PCT)|Таблица перекрёстных ссылок изделий (PCT)
00Q|Conditions cross-reference table (CCT)|Таблица перекрёстных ссылок условий (CCT)
00R|List of effective pages|Перечень действующих страниц
00S|List of effective data modules|Перечень действующих модулей данных
00T|Change record|Лист регистрации изменений
00U|Highlights|Перечень изменений
00V|List of applicable specifications and documentation|Перечень применяемых спецификаций и документов
00W|Applicability cross-reference table (ACT)|Таблица перекрёстных ссылок применимости (ACT)
00X|Controls and indicators common information repository|Общий репозиторий органов управления и индикации
00Y|List of charts and forms|Перечень диаграмм и форм
00Z|List of tables|Перечень таблиц
0A1|Functional and/or physical areas common information repository|Общий репозиторий функциональных и физических зон
0A2|Applicability repository|Репозиторий применимости
0A3|Applicability cross-reference table catalog|Каталог таблиц перекрёстных ссылок применимости
0A4|Warnings common information repository|Общий репозиторий предупреждений
0A5|Cautions common information repository|Общий репозиторий предостережений
0B0|Maintenance planning information|Данные планирования технического обслуживания
0B1|Time limits|Сроки и ресурсы
0B2|System maintenance/inspection tasks list|Перечень работ по обслуживанию и осмотру систем
0B3|Structure maintenance/inspection tasks lists|Перечень работ по обслуживанию и осмотру конструкции
0B4|Zonal maintenance/inspection tasks list|Перечень зональных работ по обслуживанию и осмотру
0B5|Unscheduled check|Внеплановая проверка
100|Operation|Эксплуатация
110|Controls and indicators|Органы управления и индикации
111|Controls and indicators (crew)|Органы управления и индикации (экипаж)
112|Modes of operation (crew)|Режимы работы (экипаж)
115|Displays and alerts|Индикация и сигнализация
120|Pre-operation|Подготовка к работе
121|Pre-operation procedure (crew)|Порядок подготовки к работе (экипаж)
122|Siting|Выбор места установки
123|Shelter|Укрытие
125|Pre-operation procedures checklist (crew)|Контрольный перечень подготовки к работе (экипаж)
126|Conditions of readiness|Степени готовности
127|Establish operating position|Приведение в рабочее положение
130|Normal operation|Нормальная эксплуатация
131|Normal operation procedure (crew)|Порядок нормальной эксплуатации (экипаж)
132|Start-up procedure for maintenance|Порядок пуска для технического обслуживания
133|Shutdown procedure for maintenance|Порядок останова для технического обслуживания
134|Aviation checklist|Авиационный контрольный перечень
135|Normal operation procedures checklist (crew)|Контрольный перечень нормальной эксплуатации (экипаж)
136|Ground running check|Проверка при наземном опробовании
138|Ground running and performance adjustment|Наземное опробование и регулировка характеристик
139|Nuclear, biological and chemical procedures|Порядок действий при ядерном, биологическом и химическом заражении
140|Emergency procedure|Действия в аварийной ситуации
141|Emergency operation procedure (crew)|Порядок действий в аварийной ситуации (экипаж)
142|Operation under unusual conditions|Эксплуатация в особых условиях
143|Radio interference suppression|Подавление радиопомех
144|Jamming and electronic countermeasures (ECM)|Радиоэлектронное подавление и противодействие
145|Emergency operation procedures checklist (crew)|Контрольный перечень действий в аварийной ситуации (экипаж)
146|Emergency shutdown operation procedure (checklist)|Порядок аварийного останова (контрольный перечень)
150|Post-operation|Действия после работы
151|Post-operation procedure (crew)|Порядок действий после работы (экипаж)
155|Post-operation procedures checklist (crew)|Контрольный перечень действий после работы (экипаж)
157|Establish maintenance position|Приведение в положение для обслуживания
160|Loading/unloading procedure|Порядок загрузки и разгрузки
161|Special operation|Особые режимы эксплуатации
162|Non-tactical operation|Нетактическое применение
169|Mass and balance|Масса и центровка
170|Handling|Перемещение
171|Lifting|Подъём
172|Jacking|Подъём на домкратах
173|Shoring|Установка на опоры
174|Towing|Буксировка
175|Taxiing|Руление
176|Lowering|Опускание
177|Stabilizing|Стабилизация
178|Tethering|Швартовка
179|Debogging|Вытаскивание застрявшего изделия
180|Dispatch deviation|Допуск к эксплуатации с отклонениями
181|Deactivate for dispatch deviation|Отключение для допуска с отклонениями
200|Servicing|Техническое обслуживание
210|Fill|Заправка
211|Refuel|Заправка топливом
212|Fill with oil|Заправка маслом
213|Fill with oxygen|Заправка кислородом
214|Fill with nitrogen|Заправка азотом
215|Fill with air|Заправка воздухом
216|Fill with water|Заправка водой
217|Fill with hydrogen|Заправка водородом
218|Fill with other liquid|Заправка другой жидкостью
219|Fill with other gas|Заправка другим газом
220|Drain liquid and release pressure|Слив жидкости и сброс давления
221|Defuel and drain fuel|Слив топлива
222|Drain oil|Слив масла
223|Release oxygen pressure|Сброс давления кислорода
224|Release nitrogen pressure|Сброс давления азота
225|Release air pressure|Сброс давления воздуха
226|Drain water|Слив воды
227|Release hydrogen pressure|Сброс давления водорода
228|Drain other liquid|Слив другой жидкости
229|Release other gas pressure|Сброс давления другого газа
230|Bleed and prime|Удаление воздуха и заполнение
231|Bleed|Удаление воздуха
232|Prime|Заполнение (прокачка)
233|Dry|Сушка
234|Facility requirements associated with servicing|Требования к помещениям и оснащению для обслуживания
235|Flush|Промывка
236|Fill with inert gas/inert liquid|Заправка инертным газом или жидкостью
237|Evacuate|Вакуумирование
240|Lubrication|Смазка
241|Oil|Смазка маслом
242|Grease|Смазка консистентной смазкой
243|Dry film|Нанесение сухой смазки
250|Clean and apply surface protection|Очистка и защита поверхностей
251|Clean with chemical agent|Очистка химическим средством
252|Clean by abrasive blast|Абразивоструйная очистка
253|Clean by ultrasonics|Ультразвуковая очистка
254|Clean mechanically|Механическая очистка
255|Purge|Продувка
256|Polish and apply wax|Полировка и нанесение воска
257|Paint and apply marking|Окраска и нанесение маркировки
258|Other procedure to clean|Прочие виды очистки
259|Other procedure to protect surfaces|Прочие виды защиты поверхностей
260|Remove and prevent ice and remove contamination|Удаление и предотвращение обледенения, удаление загрязнений
261|Remove ice|Удаление льда
262|Prevent ice|Предотвращение обледенения
263|Use disinfectant/sanitize|Дезинфекция и санитарная обработка
264|Remove contamination|Удаление загрязнений
270|Adjust, align and calibrate|Регулировка, выверка и калибровка
271|Adjust|Регулировка
272|Align|Выверка
273|Calibrate|Калибровка
274|Harmonize|Согласование
275|Grooming|Подготовка к эксплуатации
276|Rig|Нивелировка и регулировка
277|Compensate|Компенсация
278|Easily and quickly adjust after a battle damage repair|Быстрая регулировка после ремонта боевых повреждений
279|Easily and quickly align after a battle damage repair|Быстрая выверка после ремонта боевых повреждений
280|Inspection|Осмотр
281|Scheduled inspection|Плановый осмотр
282|Unscheduled inspection|Внеплановый осмотр
283|Special regular inspection|Специальный периодический осмотр
284|Special irregular inspection|Специальный разовый осмотр
285|Structure inspections for allowable damage limits|Осмотр конструкции на допустимые повреждения
286|Structure inspections for repair|Осмотр конструкции для ремонта
288|Overhaul and retirement schedule|График капитального ремонта и списания
289|Check for filling quantity|Проверка уровня заправки
290|Change of liquid/gas|Замена жидкости или газа
292|Change of oil|Замена масла
293|Change of oxygen|Замена кислорода
294|Change of nitrogen|Замена азота
295|Change of air|Замена воздуха
296|Change of water|Замена воды
297|Change of hydrogen|Замена водорода
298|Change of other liquid|Замена другой жидкости
299|Change of other gas|Замена другого газа
300|Examinations, tests and checks|Осмотры, испытания и проверки
310|Visual examination|Визуальный осмотр
311|Visual examination without special equipment|Визуальный осмотр без специального оборудования
312|Examination with a borescope|Осмотр бороскопом
315|QA requirements|Требования контроля качества
320|Operation test|Проверка работоспособности
321|Unit break-in|Обкатка агрегата
322|Test and inspection|Испытание и осмотр
330|Test preparation|Подготовка к испытанию
331|Connection of test equipment|Подключение испытательного оборудования
332|Removal of test equipment|Отключение испытательного оборудования
333|Installation of the unit before the test|Установка агрегата перед испытанием
334|Removal of the unit after the test|Снятие агрегата после испытания
335|Concluding final measures|Заключительные операции
340|Function test|Функциональная проверка
341|Manual test|Ручная проверка
342|Automatic test|Автоматическая проверка
343|BIT|Встроенный контроль
344|Compatibility test|Проверка совместимости
345|System test|Проверка системы
346|Other check|Прочая проверка
347|Start-up procedure for test|Порядок пуска для проверки
348|Final acceptance test (FAT)|Приёмо-сдаточные испытания
349|Test results|Результаты испытаний
350|Structure test|Контроль конструкции
351|Test for surface cracks with dye penetrant|Капиллярный контроль поверхностных трещин
352|Test for surface cracks with magnetic particles|Магнитопорошковый контроль поверхностных трещин
353|Test for cracks and other defects with eddy current|Вихретоковый контроль трещин и других дефектов
354|Test for cracks and other defects with X-rays|Рентгеновский контроль трещин и других дефектов
355|Test for cracks and other defects with ultrasonic|Ультразвуковой контроль трещин и других дефектов
356|Hardness test|Контроль твёрдости
357|Gamma ray|Гамма-контроль
358|Resonance frequency|Контроль резонансной частоты
359|Thermographic test|Тепловизионный контроль
360|Design data/tolerances check|Проверка конструктивных данных и допусков
361|Dimensions check|Проверка размеров
362|Pressure check|Проверка давления
363|Flow check|Проверка расхода
364|Leak check|Проверка герметичности
365|Continuity check|Проверка целостности цепи
366|Resistance check|Проверка сопротивления
367|Electrical power check|Проверка электропитания
368|Signal strength check|Проверка уровня сигнала
369|Other check|Прочая проверка
370|Monitor the condition|Контроль состояния
371|Oil analysis|Анализ масла
372|Vibration analysis|Вибродиагностика
373|Tracking check|Проверка соконусности
374|Fuel analysis|Анализ топлива
375|Shooting accidental discharge analysis|Анализ случайного выстрела
376|Check post application of adhesive|Проверка после нанесения клея
377|Contamination analysis|Анализ загрязнённости
390|Sample test|Выборочная проверка
396|Flight control surface movement|Перемещение рулевых поверхностей
397|Landing gear movement|Уборка и выпуск шасси
398|Product configuration|Конфигурация изделия
400|Fault reports and isolation procedures|Сообщения о неисправностях и поиск неисправностей
410|General fault description|Общее описание неисправности
411|Isolated fault|Локализованная неисправность
412|Detected fault|Обнаруженная неисправность
413|Observed fault|Наблюдаемая неисправность
414|Correlated fault|Связанная неисправность
415|Impact of fault|Последствия неисправности
420|General fault isolation procedure|Общий порядок поиска неисправности
421|Fault isolation procedure|Порядок поиска неисправности
422|Fault isolation procedure|Порядок поиска неисправности
423|Fault isolation procedure|Порядок поиска неисправности
424|Fault isolation procedure|Порядок поиска неисправности
425|Fault isolation procedure|Порядок поиска неисправности
426|Fault isolation procedure|Порядок поиска неисправности
427|Fault isolation procedure|Порядок поиска неисправности
428|Fault isolation procedure|Порядок поиска неисправности
429|Diagnostics|Диагностика
430|Fault isolation task supporting data|Вспомогательные данные для поиска неисправностей
440|Index|Указатель
441|Fault code index|Указатель кодов неисправностей
442|Maintenance message index|Указатель сообщений технического обслуживания
443|Post-troubleshooting shutdown procedures|Порядок останова после поиска неисправностей
500|Disconnect, remove and disassemble procedures|Отсоединение, демонтаж и разборка
510|Disconnect procedure|Порядок отсоединения
520|Remove procedure|Порядок демонтажа
521|Return to basic configuration (undressing)|Возврат в базовую комплектацию
522|Remove support equipment/remove from support equipment|Снятие оборудования обслуживания или снятие с него
523|Preparation before removal|Подготовка к демонтажу
524|Follow-on maintenance|Последующее обслуживание
525|Ammunition unloading|Разряжание
526|Deactivate launching device|Отключение пускового устройства
530|Disassemble procedure|Порядок разборки
531|Disassemble procedure on operation site|Порядок разборки на месте эксплуатации
540|Open for access procedure|Порядок вскрытия для доступа
550|Unload software procedure|Порядок выгрузки программного обеспечения
551|Fault monitoring storage readout (downloading)|Считывание памяти контроля неисправностей
552|Data erasing|Стирание данных
553|Display, copy and print of data|Просмотр, копирование и печать данных
560|Deactivation procedure|Порядок отключения
561|De-energize electrical network|Обесточивание электросети
562|Depressurize hydraulics|Сброс давления в гидросистеме
563|Deactivation maintenance practice|Правила отключения при обслуживании
600|Repairs and locally make procedures and data|Ремонт и изготовление на месте
610|Add material|Нанесение материала
611|Insulation|Изоляция
612|Metalize|Металлизация
613|Pot|Заливка компаундом
614|Remetal|Восстановление металлического покрытия
615|Retread|Восстановление протектора
620|Attach material|Соединение материалов
621|Bond|Склеивание
622|Crimp|Обжим
623|Braze|Пайка твёрдым припоем
624|Rivet|Клёпка
625|Solder|Пайка
626|Splice|Сращивание
627|Weld|Сварка
630|Change the mechanical strength/structure of material|Изменение прочности или структуры материала
631|Anneal|Отжиг
632|Case harden|Цементация
633|Cure|Отверждение
634|Normalize|Нормализация
635|Shot-peen|Дробеструйное упрочнение
636|Temper|Отпуск
638|Other treatment|Прочая обработка
639|Other process to change the mechanical strength/structure of material|Прочие способы изменения прочности или структуры материала
640|Change the surface finish of material|Изменение отделки поверхности
641|Anodize|Анодирование
642|Buff|Глянцевание
643|Burnish|Воронение
644|Chromate|Хроматирование
645|Hone|Хонингование
646|Lap|Притирка
647|Plate|Гальваническое покрытие
648|Polish|Полировка
649|Clean-up of dents, cracks and scratches|Зачистка вмятин, трещин и царапин
650|Remove material|Удаление материала
651|Abrasive blast|Абразивоструйная обработка
652|Bore/drill/ream|Растачивание, сверление, развёртывание
653|Electrical/electrochemical/chemical etch|Электрическое, электрохимическое или химическое травление
654|Broach|Протягивание
655|Grind|Шлифование
656|Mill|Фрезерование
657|Thread/tap|Нарезание резьбы
658|Turn|Точение
659|Other process to remove material|Прочие способы удаления материала
660|Structure repair procedure and data|Ремонт конструкции
661|Allowable damage|Допустимые повреждения
662|Temporary repair procedure|Порядок временного ремонта
663|Standard repair procedure|Порядок типового ремонта
664|Special repair procedure|Порядок специального ремонта
665|Fly-in repair procedure|Порядок ремонта для перелёта
666|Material classification|Классификация материалов
667|Structure classification|Классификация конструкций
668|Allowable damage of composite structures|Допустимые повреждения композитных конструкций
669|Allowable damage of mixed structures|Допустимые повреждения смешанных конструкций
670|Locally make procedure and data|Изготовление на месте
671|Making of parts|Изготовление деталей
680|Battle damage repair procedure and data|Ремонт боевых повреждений
681|Damage repair symbol marking|Маркировка ремонта повреждений
682|Identification of damaged hardware|Выявление повреждённого оборудования
683|Damage assessment|Оценка повреждений
684|Utilization degradation|Ограничения применения
685|Repair procedure|Порядок ремонта
686|Isolation procedure|Порядок отключения повреждённого участка
687|Function test after battle damage repair|Функциональная проверка после ремонта боевых повреждений
688|Battle damage repair kit|Комплект для ремонта боевых повреждений
689|Damage repair|Устранение повреждений
690|Miscellaneous|Прочее
691|Marking|Маркировка
692|Connector repair|Ремонт соединителей
693|Varnish|Лакирование
700|Assemble, install and connect procedures|Сборка, монтаж и подсоединение
710|Assemble procedure|Порядок сборки
711|Tighten procedure|Порядок затяжки
712|Lock procedure|Порядок контровки
713|Pack procedure|Порядок упаковки
714|Assemble procedure on operation site|Порядок сборки на месте эксплуатации
720|Install procedure|Порядок монтажа
721|Build up to usable configuration (dressing)|Доукомплектование до рабочей конфигурации
722|Install support equipment/install on support equipment|Установка оборудования обслуживания или установка на него
723|Preparation before installation|Подготовка к монтажу
724|Follow-on maintenance|Последующее обслуживание
725|Ammunition loading|Заряжание
726|Activate launching device|Включение пускового устройства
727|Site location plan|План размещения на местности
728|Foundation preparation|Подготовка основания
730|Connect procedure|Порядок подсоединения
740|Close after access procedure|Порядок закрытия после доступа
750|Load software procedure|Порядок загрузки программного обеспечения
752|Data loading|Загрузка данных
760|Reactivation procedure|Порядок включения
761|Energize electrical network|Подача электропитания
762|Pressurize hydraulics|Создание давления в гидросистеме
800|Package, handling, storage, and transportation|Упаковка, перемещение, хранение и транспортирование
810|Preservation procedure|Порядок консервации
811|Preparation for vehicle transportation|Подготовка к транспортированию
812|Shipping and storage - general|Отправка и хранение: общие сведения
820|Procedure to remove preservation material|Порядок расконсервации
830|Procedure to put item in containers|Порядок укладки в тару
831|Vehicle loading|Погрузка на транспорт
832|Procedure to pack items|Порядок упаковки изделий
840|Procedure to remove item from containers|Порядок извлечения из тары
841|Vehicle unloading|Выгрузка с транспорта
842|Procedure to unpack items|Порядок распаковки изделий
850|Procedure to keep item serviceable when in storage|Порядок поддержания исправности при хранении
860|Procedure to move item when in storage|Порядок перемещения при хранении
870|Procedure to prepare item for use after storage|Порядок подготовки к применению после хранения
871|Set on condition|Приведение в готовность
880|Procedure when item got out of storage|Порядок действий при выдаче из хранения
890|Life data of item when in storage|Сроки службы при хранении
900|Miscellaneous|Прочее
901|Miscellaneous list of consumables|Прочий перечень расходных материалов
902|Miscellaneous list of materials|Прочий перечень материалов
903|Miscellaneous list of expendables|Прочий перечень расходуемых изделий
904|Miscellaneous list of special support equipment and tools|Прочий перечень специального оборудования и инструмента
905|Miscellaneous list of support equipment and tools|Прочий перечень оборудования и инструмента
906|Miscellaneous list of software|Прочий перечень программного обеспечения
907|Miscellaneous parts list|Прочий перечень деталей
910|Miscellaneous|Прочее
911|Illustration|Иллюстрация
912|Handling procedure|Порядок обращения
913|General maintenance procedure|Общие правила технического обслуживания
914|Container data module|Модуль-контейнер
915|Facilities|Помещения и сооружения
916|Maintenance allocation|Распределение работ по уровням обслуживания
917|Non-S1000D publication|Публикация вне S1000D
920|Change = remove and install|Замена (демонтаж и монтаж)
921|Change = remove and install a new item|Замена на новое изделие
922|Change = remove and install the removed item|Снятие и установка того же изделия
923|Change = disconnect and connect an item|Отсоединение и подсоединение изделия
930|Service bulletin|Сервисный бюллетень
933|Accomplishment procedure - task set|Порядок выполнения: комплекс работ
934|Material information|Сведения о материалах
940|Provisioning data|Данные для снабжения
941|Illustrated parts data|Иллюстрированный каталог деталей
942|Numerical index|Цифровой указатель
950|Composite information|Составная информация
951|Generic process|Типовой процесс
952|Generic learning content|Типовое учебное содержание
961|Calculation worksheets|Расчётные формы
970|Approved vendor processes|Одобренные процессы поставщиков
980|Environmental protection, fire-fighting and rescue|Охрана окружающей среды, пожаротушение и спасение
981|Air cleaning|Очистка воздуха
982|Sewage treatment|Очистка сточных вод
989|Fire-fighting and rescue|Пожаротушение и спасение
990|Neutralization and disposal|Обезвреживание и утилизация
991|Neutralization of ordnance|Обезвреживание боеприпасов
992|Neutralization of substance|Обезвреживание веществ
996|Disposal of ordnance|Утилизация боеприпасов
997|Disposal of product|Утилизация изделия
998|Disposal of substance|Утилизация веществ
C00|Computer systems, software and data|Вычислительные системы, программное обеспечение и данные
C13|Notes|Примечания
C14|Problem handling|Устранение проблем
C15|Summary of content|Краткое содержание
C20|System administration|Администрирование системы
C21|System monitoring|Мониторинг системы
C22|Description of command|Описание команды
C23|Connect hardware|Подключение оборудования
C25|System recovery|Восстановление системы
C26|Backup and restore|Резервное копирование и восстановление
C27|Reboot|Перезагрузка
C30|Coordinate|Согласование
C31|Defragmentation|Дефрагментация
C32|Input/output media|Носители ввода-вывода
C33|Disk mirroring|Зеркалирование дисков
C34|Clear interference|Устранение помех
C35|Time check|Проверка времени
C36|Compatibility check|Проверка совместимости
C50|Manage data|Управление данными
C51|Move data|Перемещение данных
C52|Manipulate/use data|Обработка и использование данных
C53|Description of data storage|Описание хранения данных
C60|Programming information|Сведения о программировании
C61|Program flow chart|Блок-схема программы
C62|Processing reference guide|Справочник по обработке
C70|Security and privacy|Защита информации
C72|Security information|Сведения о защите информации
C73|Security procedures|Порядок защиты информации
C74|List of security/classification codes|Перечень грифов секретности
C75|Access control|Управление доступом
C90|Miscellaneous|Прочее
C91|Quality assurance|Контроль качества
C92|Vendor information|Сведения о поставщиках
C95|Naming conventions|Правила именования
C96|Technical requirements|Технические требования
"""

#: x01..x07 of a group: (English, Russian) with {of} for the group's work
_LISTS = {
    "1": ("List of consumables associated with {of}", "Перечень расходных материалов для {of}"),
    "2": ("List of materials associated with {of}", "Перечень материалов для {of}"),
    "3": ("List of expendables associated with {of}", "Перечень расходуемых изделий для {of}"),
    "4": ("List of special support equipment and tools associated with {of}",
          "Перечень специального оборудования и инструмента для {of}"),
    "5": ("List of support equipment and tools associated with {of}", "Перечень оборудования и инструмента для {of}"),
    "6": ("List of software associated with {of}", "Перечень программного обеспечения для {of}"),
    "7": ("Parts list associated with {of}", "Перечень деталей для {of}"),
}
#: the work each group's lists go with (the 900 group's are miscellaneous lists, in the table above)
_GROUP_WORK = {
    "1": ("operation", "эксплуатации"),
    "2": ("servicing", "технического обслуживания"),
    "3": ("examinations, tests and checks", "осмотров, испытаний и проверок"),
    "4": ("fault diagnosis", "поиска неисправностей"),
    "5": ("removal", "демонтажа"),
    "6": ("repairs", "ремонта"),
    "7": ("installation", "монтажа"),
    "8": ("storage", "хранения"),
    "C": ("computer systems, software and data", "вычислительных систем, программного обеспечения и данных"),
}


@cache
def table() -> dict[str, tuple[str, str]]:
    """info code -> (English, Russian)."""
    out: dict[str, tuple[str, str]] = {}
    for line in _TABLE.strip().splitlines():
        code, en, ru = line.split("|")
        out[code] = (en, ru)
    for group, (en_of, ru_of) in _GROUP_WORK.items():
        for n, (en, ru) in _LISTS.items():
            out[f"{group}0{n}"] = (en.format(of=en_of), ru.format(of=ru_of))
    return out


def info_code_name(code: str | None, language: str) -> str:
    """The name of an info code in the UI language; a project-available code gets its group's name."""
    if not code:
        return ""
    names = table()
    code = code.upper()[:3]  # the variant (a fourth character) does not change what a module is about
    for candidate in (code, code[:2] + "0", code[:1] + "00"):
        found = names.get(candidate)
        if found is not None:
            return found[1] if language == "ru" else found[0]
    return code
