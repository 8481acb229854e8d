# Italian dates as Italian writes them: "domenica 6 dicembre 2026 alle 10:00" (no leading zero;
# weekday and month names are lowercase through our catalogue, see config/formats/names.py).
# Django's own Italian formats fill in everything not set here.
DATE_FORMAT = "l j F Y"  # domenica 6 dicembre 2026
DATETIME_FORMAT = r"l j F Y \a\l\l\e H:i"  # domenica 6 dicembre 2026 alle 10:00
YEAR_MONTH_FORMAT = "F Y"  # dicembre 2026
MONTH_DAY_FORMAT = "j F"  # 6 dicembre
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
