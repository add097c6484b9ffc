/* The INN (taxpayer number) of an organisation or a person: its check digits. */
#ifndef INN_H
#define INN_H

/* Returns 1 when s is an INN: 10 digits (an organisation, one check digit) or 12 digits (a person,
 * two check digits) with the right check digits, 0 otherwise (anything but digits, spaces included). */
int inn_valid(const char *s);

#endif
