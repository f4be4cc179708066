-- The sweeper drops sign-ups never confirmed once their confirmation link has expired. A partial
-- index holds only the pending readers, so finding them is one small range scan, and the queries on
-- active readers (the morning's fan-out) keep their plans.
CREATE INDEX readers_pending_created ON readers (created_at) WHERE status = 'pending';
