-- The training office's contact a catalogue may give on a region (free text such as
-- '新安县培训办 0379-6721xxxx'); a person's contact is the nearest one up their village's chain.
ALTER TABLE regions ADD COLUMN contact TEXT;
