-- A certificate's PDF is stored under files_dir by its SHA-256 (files_store, as materials and books are) and sent by
-- nginx; the row keeps the hash. Rows issued before keep their PDF in pdf until the certs program, when it starts,
-- writes each one out and sets its sha256 (certs_blobs_out); after that pdf is NULL everywhere.
ALTER TABLE certificate_file
  ADD COLUMN sha256 CHAR(64) NULL AFTER version,
  MODIFY pdf MEDIUMBLOB NULL,
  ADD KEY certificate_file_sha256 (sha256),
  ADD CONSTRAINT certificate_file_stored CHECK (sha256 IS NOT NULL OR pdf IS NOT NULL);
