-- Issue 17, target 6: every fold commit rewrites the rows of the profiles it changed. A GIN index over traits made each
-- such write insert the traits again into the index, and kept PostgreSQL from updating the row in place (HOT); the
-- index over tags served no query at all. Without them the fold on durable PostgreSQL kept up with about an eighth
-- more events (BENCHMARKS.md). Search by a trait's value (GET /api/profiles?trait=…) now reads the profiles, as it
-- always has on SQLite; docs/profiles.md says how to add the index back where that search is frequent.
DROP INDEX IF EXISTS profiles_traits;
DROP INDEX IF EXISTS profiles_tags;
