"""Read export files into raw tables of strings, without interpreting any value.

This is the first step of ``lib.ingest.load_export``: a path, ``bytes`` or an uploaded file
becomes one :class:`RawTable` per table inside it (a ``.zip`` may hold several). The format is
detected from the content (zip/xlsx, gzip, Parquet, JSON, JSON Lines, else delimited text), the
extension is only a tie-breaker. Delimited text is sniffed on its first 64 KB (encoding, delimiter,
preamble, header) and then read by Polars in one go; only a file Polars refuses (a row with too
many fields, broken quoting) goes through a slower, careful path: the csv module finds the bad
records, their lines are cut out and Polars reads the rest.

Rows that cannot be read are dropped and counted with their line and reason: a row with more
fields than the header, a quote that never closes, a row that ends early (the last row of a cut-off
upload, or half of a row broken by a stray line break). When the sample shows that the export
routinely leaves out empty trailing fields, short rows are kept with empty values instead.

Every problem with the input is raised as :class:`lib.errors.IngestError`, naming the file and,
where it helps, the line.

The modules: ``sources`` (opening a source, the size budget), ``blocks`` (a large file
read from disk in blocks, counted as they land), ``containers`` (format detection,
gzip and zip), ``encoding`` and ``text`` (decoding text), ``sniff``, ``csv_records``,
``line_index`` and ``delimited`` (delimited text), ``json_records``, ``excel``, ``parquet``,
``names`` (header names) and ``table`` (the :class:`RawTable` and the shared clean-up).

Example
-------
>>> t = read_source(b"Ticket export\\n\\nId;Subject\\n1; Printer on fire \\n2;\\n", name="t.csv")[0]
>>> (t.format, t.delimiter, t.header_line, t.frame.columns)
('csv', ';', 3, ['Id', 'Subject'])
>>> t.frame.rows(), t.line_numbers.to_list()
([('1', 'Printer on fire'), ('2', None)], [4, 5])
>>> t.notes
['skipped 2 lines before the header on line 3']
"""

from __future__ import annotations

from lib.ingest.readers.containers import read_many, read_source
from lib.ingest.readers.table import RawTable

__all__ = ["RawTable", "read_many", "read_source"]
