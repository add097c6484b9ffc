-- The denominator of the reports: register_cell recounted for one district or all.

DELIMITER //

-- Recounts register_cell of one district (0: of every district).
CREATE OR REPLACE PROCEDURE register_recount(IN district INT UNSIGNED)
  MODIFIES SQL DATA SQL SECURITY DEFINER
BEGIN
  IF district = 0 THEN
    DELETE FROM register_cell;
    INSERT INTO register_cell (district_id, sector_id, orgs)
    SELECT district_id, sector_id, COUNT(*) FROM coverage_register GROUP BY district_id, sector_id;
  ELSE
    DELETE FROM register_cell WHERE district_id = district;
    INSERT INTO register_cell (district_id, sector_id, orgs)
    SELECT district_id, sector_id, COUNT(*) FROM coverage_register WHERE district_id = district
     GROUP BY district_id, sector_id;
  END IF;
END//

DELIMITER ;
