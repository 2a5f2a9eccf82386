-- Trait history names the message that set a value by its log position (issue 17, bytes per event): a new row has
-- seq and leaves source and message_id empty (45 bytes a row on the load generator's mix, about 15 per event); readers
-- take them from the log. Rows written before keep theirs, and seq NULL: their encrypted values are bound to source and
-- messageId, so they are read as they were written.
ALTER TABLE trait_history ADD COLUMN seq INTEGER;
