-- The inbox tables are ordinary tenant data for the app role.
GRANT SELECT, INSERT, UPDATE, DELETE ON conversations, contact_notes, contact_labels, message_templates TO parley_app;
--> statement-breakpoint
-- Contacts who already wrote get their conversation, ordered by their latest message.
INSERT INTO conversations (workspace_id, contact_id, last_message_at)
SELECT m.workspace_id, m.contact_id, max(m.sent_at)
FROM messages m
WHERE m.contact_id IS NOT NULL
GROUP BY m.workspace_id, m.contact_id
ON CONFLICT DO NOTHING;
