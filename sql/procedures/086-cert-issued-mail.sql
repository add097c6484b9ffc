-- The letters of a chunk of issued certificates in one call (db_cert_job.c's chunk), each queued by mail_event.

DELIMITER //

-- certs: a JSON array of {"registration": id, "number": "...", "code": "..."}, one per certificate whose PDF the
-- calling transaction stored; each holder is told the number and the verification code (mail_kinds.h, cert_issued).
CREATE OR REPLACE PROCEDURE cert_issued_mail(IN certs LONGTEXT)
  MODIFIES SQL DATA SQL SECURITY INVOKER
BEGIN
  FOR c IN (SELECT j.reg, j.number, j.code
              FROM JSON_TABLE(certs, '$[*]' COLUMNS (reg INT UNSIGNED PATH '$.registration',
                                                    number VARCHAR(80) PATH '$.number',
                                                    code VARCHAR(32) PATH '$.code')) j) DO
    CALL mail_event('cert_issued', c.reg, JSON_OBJECT('number', c.number, 'code', c.code));
  END FOR;
END //

DELIMITER ;
