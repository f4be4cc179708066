-- Sign-ups are limited by the SIGNUP_LIMITER rate-limit binding now; the hourly D1 counter has no reader or writer.
DROP TABLE IF EXISTS subscribe_attempts;
