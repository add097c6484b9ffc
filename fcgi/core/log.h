/* Logging: one line per event on stderr. */
#ifndef LOG_H
#define LOG_H

/* One line per event on stderr: time, level, program, pid, request id, text. */
enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR, LOG__MAX };

void log_init(const char *prog, enum log_level min);
/* rid may be NULL outside a request. */
void log_msg(enum log_level, const char *rid, const char *, ...) __attribute__((format(printf, 3, 4)));

#endif
