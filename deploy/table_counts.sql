-- Every table of the public schema with its number of rows, one "table count" line each, in name order:
-- what backup.sh records beside a dump and restore.sh compares a restored database against.
SELECT table_name,
       (xpath('/row/c/text()',
              query_to_xml(format('SELECT count(*) AS c FROM %I.%I', table_schema, table_name), false, true, '')
       ))[1]::text::bigint
FROM information_schema.tables
WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
ORDER BY table_name;
