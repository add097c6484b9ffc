/* Statements of seminar surveys: the questionnaire, its opening and closing, responses and results. */
#ifndef DB_SURVEY_H
#define DB_SURVEY_H

#include <stddef.h>

#include <jansson.h>

#include "arena.h"
#include "db.h"

enum survey_kind { SQK_RATING, SQK_SINGLE, SQK_MULTIPLE, SQK_TEXT, SQK__MAX };
extern const char *const survey_kind_codes[SQK__MAX]; /* "rating", ... as in SQL */
extern const char *const survey_kind_names[SQK__MAX]; /* «оценка от 1 до 5», ... */
/* The kind of code, or SQK__MAX for none. */
enum survey_kind survey_kind_of(const char *code);

struct survey {
	long long seminar_id;
	int anonymous, cert_gate;
	int open;    /* answers are taken now */
	int by_hand; /* opened by the organiser (not by the end of the last session) */
	int closed;  /* closed by the organiser */
	long long nquestions, nresponses;
	const char *closed_at;
};
/* Returns 1 with s filled, 0 the seminar has no survey, -1 failure. */
int db_survey_get(struct db *, struct arena *, long long seminar_id, struct survey *s);
/* The questions in order: {id, position, kind, text, #required}, and the options of all of them in order:
 * {id, question_id, text}. NULL on failure. */
json_t *db_survey_questions(struct db *, struct arena *, long long seminar_id);
json_t *db_survey_options(struct db *, struct arena *, long long seminar_id);
/* Seminars with at least one survey question: {id, title, region_id, district_id, sector_ids}, the latest first (the
 * caller keeps those the organiser may copy from). NULL on failure. */
json_t *db_survey_sources(struct db *, struct arena *, long long except_seminar);

/* What a change of the questionnaire came to. */
enum survey_outcome {
	SURVEY_DONE,
	SURVEY_ANSWERED,   /* someone has answered: the questions stay as they are */
	SURVEY_NAMED_LATE, /* a survey with answers cannot become named (they were given anonymously) */
	SURVEY_NOT_FOUND,  /* no such question, or the source has no questions */
	SURVEY_EMPTY,      /* opening a survey without questions */
	SURVEY__MAX
};
/* Creates the survey if needed and sets its options. Returns the outcome or -1. */
int db_survey_settings(struct db *, long long seminar_id, int anonymous, int cert_gate);
struct survey_question_new {
	long long seminar_id;
	enum survey_kind kind;
	const char *text;
	int required;
	const char *const *options; /* choices only */
	size_t noptions;
};
/* Appends a question (and its options) at the end. Returns the outcome or -1. */
int db_survey_question_add(struct db *, const struct survey_question_new *);
/* Returns the outcome or -1. */
int db_survey_question_delete(struct db *, long long seminar_id, long long question_id);
/* Replaces the questions of seminar_id by copies of those of from (and takes its options). Returns the outcome
 * or -1. */
int db_survey_copy(struct db *, long long seminar_id, long long from);
/* Opens the survey by hand (open 1) or closes it (open 0). Returns the outcome or -1. */
int db_survey_set_open(struct db *, long long seminar_id, int open);

/* One answer of a response: a rating, a chosen option or a text (the others 0 / NULL). */
struct survey_answer {
	long long question_id, rating, option_id;
	const char *text;
};
enum survey_save { SURVEY_SAVED, SURVEY_UPDATED, SURVEY_CLOSED, SURVEY_SAVE__MAX };
/* Stores the response of a registration in one transaction that holds the survey row shared (so a close
 * waits for it, and an answer after the close is refused), replacing an earlier one. Returns the outcome or
 * -1. */
int db_survey_answer(struct db *, long long seminar_id, long long registration_id, const struct survey_answer *,
		     size_t n);
/* The answers of a registration's response: {question_id, #rating, option_id, text}; an empty array when
 * it has none. NULL on failure. */
json_t *db_survey_response_of(struct db *, struct arena *, long long registration_id);
/* Returns 1 when the registration has answered its seminar's survey, 0 not, -1 failure. */
int db_survey_answered(struct db *, struct arena *, long long registration_id);

/* Results: answers counted per question and choice ({question_id, #option_id, #rating, #n}); the number of
 * responses that answered each question ({question_id, #n}); and every response's answers in order with
 * the person's name when named ({#response_id, full_name, question_id, #rating, option, text}), names NULL
 * when not. NULL on failure. */
json_t *db_survey_counts(struct db *, struct arena *, long long seminar_id);
json_t *db_survey_respondents(struct db *, struct arena *, long long seminar_id);
json_t *db_survey_answers(struct db *, struct arena *, long long seminar_id, int named);
/* The person's surveys open now (confirmed registrations only): {seminar_id, title, #answered}. */
json_t *db_survey_open_for(struct db *, struct arena *, long long person_id);

#endif
