-- The printable book of a seminar's certificates is drawn in the background too: a certificate_job of kind 'book'.

-- stamp: what the book holds (the count of the seminar's valid certificates with a PDF and a checksum of their ids
-- and versions), taken when a runner starts it; the book is out of date once the seminar's stamp differs.
-- book_sha256: the finished PDF under files_dir (files_store), kept while this is the seminar's latest book.
-- heartbeat_at: a running book's runner writes it with each batch of pages; a book whose runner stopped writing
-- it for a minute is taken over by another runner.
ALTER TABLE certificate_job
  ADD COLUMN kind ENUM('issue', 'book') NOT NULL DEFAULT 'issue' AFTER seminar_id,
  ADD COLUMN stamp VARCHAR(40) NULL,
  ADD COLUMN book_sha256 CHAR(64) NULL,
  ADD COLUMN heartbeat_at DATETIME(3) NULL,
  ADD KEY certificate_job_kind (kind, status, id),
  ADD KEY certificate_job_book (book_sha256);
