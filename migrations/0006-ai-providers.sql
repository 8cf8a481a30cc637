-- 0006: AI providers and the credentials vault.
-- A provider row is what the engineer configured; its API key is never here in plain
-- text: it is a credential (owner 'ai_provider:<id>') kept in the Secret Service when the
-- database key is, else encrypted in `credentials`.

CREATE TABLE ai_providers (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  format     TEXT NOT NULL
             CHECK (format IN ('openai', 'anthropic', 'gemini', 'mistral', 'ollama', 'custom')),
  base_url   TEXT NOT NULL,
  model      TEXT NOT NULL,
  tools      TEXT NOT NULL DEFAULT 'auto' CHECK (tools IN ('auto', 'on', 'off')),
  -- TLS verification switched off for this provider only (the app warns).
  insecure   INTEGER NOT NULL DEFAULT 0 CHECK (insecure IN (0, 1)),
  -- Format-specific settings as a JSON object (Azure api-version, Custom REST paths…).
  options    TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(options)),
  -- At most one provider is the active one.
  active     INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE UNIQUE INDEX ai_providers_one_active ON ai_providers (active) WHERE active = 1;
-- Removing the active provider hands the part to the first remaining one by name.
CREATE TRIGGER ai_providers_keep_one_active AFTER DELETE ON ai_providers
WHEN OLD.active = 1
BEGIN
  UPDATE ai_providers SET active = 1
  WHERE id = (SELECT id FROM ai_providers ORDER BY name COLLATE NOCASE LIMIT 1);
END;

-- A secret of some owner ('ai_provider:3', later connectors). location 'keyring': the
-- value is in the Secret Service under this owner and the database's vault id;
-- 'database': AES-256-GCM with a key derived from the database key (HKDF-SHA256), the
-- owner as associated data, so a blob copied to another owner does not decrypt.
CREATE TABLE credentials (
  owner      TEXT PRIMARY KEY,
  location   TEXT NOT NULL CHECK (location IN ('keyring', 'database')),
  nonce      BLOB,
  ciphertext BLOB,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  CHECK ((location = 'database') = (ciphertext IS NOT NULL AND nonce IS NOT NULL))
);
