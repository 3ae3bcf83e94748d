-- Coordinators may turn off the one-line message per order, cancellation and waitlist move
-- (approval requests still come).
ALTER TABLE people ADD COLUMN instant_lines INTEGER NOT NULL DEFAULT 1;
