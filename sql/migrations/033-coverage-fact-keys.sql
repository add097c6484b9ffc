-- coverage_fact keeps only the keys that something reads: by registration (the touch) and by organisation (the district report, coverage_touch_org).

-- Nothing looks facts up by person or by seminar; each key cost the recompute a sorted index of
-- a million rows and every touch one more index write.
ALTER TABLE coverage_fact DROP KEY coverage_fact_person, DROP KEY coverage_fact_seminar;
