/* Percentages as the Russian reader writes them: «87,5%». */
#ifndef PCT_H
#define PCT_H

#define PCT_MAX 32

/* Writes tenths (>= 0) of a percent with a decimal comma ("875" -> "87,5%", "0" -> "0,0%") at the
 * end of buf and returns where it starts (inside buf). Written by hand: the country's page has some
 * 800 of them. */
const char *pct_text(char buf[PCT_MAX], long long tenths);

#endif
