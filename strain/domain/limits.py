"""Every limit on what a person can enter, in one place.

Validation (the tally CSV, the Log page, the exercise forms), the database's CHECK constraints
(strain/storage/tables.py) and the messages that name a limit all read these numbers, so they cannot
disagree.
"""

from __future__ import annotations

from datetime import date, timedelta

MAX_NAME = 80  # a person's name, in characters as a person sees them (an emoji is one)
MAX_NAME_CODE_POINTS = 8 * MAX_NAME  # what the database holds: an emoji can be several code points
MAX_NOTE = 500  # a day's, an entry's or a practice session's note
MAX_REASON = 300  # the reason given for a weight override

# More than this in one day is a typo: 5000 repetitions, or every minute of the day.
MAX_QUANTITY = {"rep": 5000.0, "min": 1440.0}
MAX_STORED_QUANTITY = max(MAX_QUANTITY.values())  # the database does not know an entry's unit
MAX_LOAD_KG = 200.0

# Real seats and squat boxes sit between a low footstool and a high bar stool.
MIN_HEIGHT_CM, MAX_HEIGHT_CM = 10.0, 120.0
MAX_SEAT_NAME = 40

MIN_PAIN, MAX_PAIN = 0, 10  # the 0-10 numeric rating scale

# A person's wake-up time is stored as the minute of the day (0 is midnight), for the live tally's first hour.
MINUTES_A_DAY = 24 * 60

MAX_TALLY_FILE_BYTES = 200 * 1024 * 1024  # a tally CSV: years of a whole clinic fit in far less
MAX_TAP_REPORT_ID = 64  # a device's or row's id in what the tally's buttons report (ours are shorter)
MAX_TAP_TOTAL = 1_000_000  # a device's running total of one kind of tap on one row in a day (far above any day)
MAX_TAP_NAME = 32  # a kind of tap as the browser names it, "uncontrolled+15"

# The therapist session (migration 0007).
MAX_VISIT_NOTE = 2000  # a visit's notes
MIN_SCORE, MAX_SCORE = 0, 10  # a Patient-Specific Functional Scale score: 0 unable, 10 able as before
MAX_PSFS_ACTIVITIES = 5  # activities a patient names for the PSFS
MAX_PSFS_NAME = 80  # one PSFS activity's name
# A change this large or larger is marked meaningful, better or worse. PSFS average: 2 points, the
# smallest change it detects beyond measurement error (Stratford 1995). Pain, 0-10: 2 points or 30%
# of the first rating (Childs 2005 in low back pain; Farrar 2001's 30%).
MEANINGFUL_PSFS_CHANGE = 2.0
MEANINGFUL_PAIN_CHANGE = 2
MEANINGFUL_PAIN_FRACTION = 0.3
MIN_PLAN_EXERCISES, MAX_PLAN_EXERCISES = 2, 4
MAX_SETS, MAX_REPS = 10, 50
MAX_DOSE_MINUTES = 60.0
MAX_REVIEW_DAYS = 183  # a plan's review date is at most about six months ahead
HOLD_UNITS = ("seconds", "breaths")  # a planned exercise's hold, per repetition, is counted in one of these
MAX_HOLD = {"seconds": 120, "breaths": 20}
MAX_PLAN_REASON = 300  # the reason given for correcting or deleting a plan version

# Clinic mode (migration 0009).
MAX_EMAIL = 320  # an account's email address (RFC 5321's longest path)
MAX_ACCOUNT_NAME = 120  # the name an account prints under (a therapist's, on a handout)
MIN_PASSWORD = 12  # characters
MAX_PASSWORD = 1024  # characters: longer is a paste gone wrong, and hashing it would be wasted work
MAX_FAILED_SIGN_INS = 5  # failures for one account within SIGN_IN_WINDOW that lock it...
SIGN_IN_WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)  # ...for this long
IDLE_SESSION = timedelta(minutes=30)  # a signed-in session with no activity for this long ends
MAX_AUDIT_ORIGIN = 120  # an audit event's origin: "command line (user NAME)"
MAX_AUDIT_DETAIL = 500  # an audit event's detail; longer is cut
READ_RECORDED_EVERY = timedelta(minutes=30)  # a session's reads of one person on one page: one audit event per this

# The first day anything can be dated: every page, a 12-week trend and the week picker's "Previous
# week" included, can show it and the weeks before it. The last is today: this machine's date for a
# file, a form or the command line; the live tally counts on the browser's today, which in a time
# zone ahead of the server's can be the server's tomorrow, so it (and a restored backup) may go as
# far as the date in the time zone furthest ahead, UTC+14 (strain.domain.tally.today_anywhere).
FIRST_DATE = date(2000, 1, 1)
LATEST_TIME_ZONE = timedelta(hours=14)

# The first-visit assessment (migration 0017).
MAX_ASSESSMENT_TEXT = 4000  # each of the complaint, history, goals, and work and activities
MAX_RED_FLAG_TEXT = 1000  # a red-flag question as it was asked (the catalogue's longest is under 500)
MAX_DEALT_NOTE = 1000  # what a clinician did about a positive red flag
