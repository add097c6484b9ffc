-- Seminar materials: files (stored on disk by their SHA-256, see fcgi/core/files.c) and links, each
-- visible to everyone, to registered participants, or to those who attended; with download counts.
CREATE TABLE material (
  id INT UNSIGNED PRIMARY KEY AUTO_INCREMENT,
  seminar_id INT UNSIGNED NOT NULL,
  title VARCHAR(300) NOT NULL,
  visibility ENUM('public', 'registered', 'attended') NOT NULL,
  sha256 CHAR(64) CHARACTER SET ascii NULL,   -- a file: its content hash (the path under files_dir)
  file_name VARCHAR(255) NULL,                -- the name the organiser's file had, for the download
  mime VARCHAR(100) CHARACTER SET ascii NULL, -- the type found in its content
  size BIGINT UNSIGNED NULL,
  url VARCHAR(500) NULL,                      -- a link (the broadcast's recording)
  downloads INT UNSIGNED NOT NULL DEFAULT 0,
  created_by INT UNSIGNED NOT NULL,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  KEY material_seminar (seminar_id, id),
  KEY material_sha256 (sha256),
  CONSTRAINT material_file_or_link CHECK ((sha256 IS NULL) <> (url IS NULL)),
  CONSTRAINT material_seminar FOREIGN KEY (seminar_id) REFERENCES seminar (id),
  CONSTRAINT material_creator FOREIGN KEY (created_by) REFERENCES person (id)
) ENGINE=InnoDB;
