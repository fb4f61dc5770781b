-- The health checker (DESIGN.md §8): an instance it is testing is held until
-- `health_claimed_until`, so it is not tested twice in the same round.

ALTER TABLE connectors ADD COLUMN health_claimed_until TEXT;
CREATE INDEX connectors_health_due ON connectors (last_tested_at) WHERE status = 'active';
