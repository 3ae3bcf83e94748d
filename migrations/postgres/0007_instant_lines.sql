-- Coordinators may turn off the one-line message per order, cancellation and waitlist move
-- (approval requests still come).
ALTER TABLE people ADD COLUMN instant_lines BIGINT NOT NULL DEFAULT 1;
