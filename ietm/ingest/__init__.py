"""Bringing existing manuals in: Word (and LibreOffice) documents turned into a reviewable draft S1000D CSDB.

The flow, one module per step: `reading` (open a file safely, converting .doc/.odt/.rtf with LibreOffice)
→ `blocks` (the document as a stream of paragraphs, lists, tables and images) → `structure` (headings into a
tree of sections, each becoming a data module) → `codes` (data module codes, info codes, MAP.toml) →
`content`, `tables`, `typical`, `figures` (S1000D XML) → `writing` (validation, re-import without overwriting
a writer's edits) → `report` (where every source paragraph, table and image went).
"""
