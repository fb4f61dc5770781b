-- The health checker (DESIGN.md §8): an instance it is testing is held until
-- `health_claimed_until`, so another server process does not test it in the same round.

ALTER TABLE connectors ADD COLUMN health_claimed_until TIMESTAMPTZ;
CREATE INDEX connectors_health_due ON connectors (last_tested_at) WHERE status = 'active';
