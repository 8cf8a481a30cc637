-- 0007: the triage conversation of each incident and its 5-Whys state.
-- Messages are kept as the engineer typed them and as the model replied (with the
-- pseudonyms it was sent): the database is encrypted, and every text is redacted again
-- each time it leaves. The whys themselves are rows of resolution_steps (step_order 1..5).

CREATE TABLE ai_conversations (
  id         INTEGER PRIMARY KEY,
  issue_id   INTEGER NOT NULL UNIQUE REFERENCES issues (id) ON DELETE CASCADE,
  -- 0: not started; 1..5: the why being asked; 6: the root cause is identified.
  why_level  INTEGER NOT NULL DEFAULT 0 CHECK (why_level BETWEEN 0 AND 6),
  root_cause TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  CHECK ((why_level = 6) = (length(root_cause) > 0))
);

CREATE TABLE ai_messages (
  id              INTEGER PRIMARY KEY,
  conversation_id INTEGER NOT NULL REFERENCES ai_conversations (id) ON DELETE CASCADE,
  seq             INTEGER NOT NULL CHECK (seq > 0),
  role            TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'tool')),
  content         TEXT NOT NULL DEFAULT '',
  -- What an assistant message asked for: [{"id","name","arguments"}].
  tool_calls      TEXT CHECK (tool_calls IS NULL OR json_valid(tool_calls)),
  -- A tool result: the call it answers and the tool's name.
  tool_call_id    TEXT,
  tool_name       TEXT,
  -- Who wrote an assistant message: the provider's name ("offline guide" for the built-in
  -- guide) and model as they were at the time.
  provider        TEXT,
  model           TEXT,
  -- A reply that failed or was cancelled keeps what had arrived, and why it stopped.
  state           TEXT NOT NULL DEFAULT 'complete'
                  CHECK (state IN ('complete', 'error', 'cancelled')),
  error           TEXT,
  created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (conversation_id, seq)
);
