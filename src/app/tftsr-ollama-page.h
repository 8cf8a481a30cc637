/* tftsr-ollama-page.h: the Local Models page of Preferences (Ollama)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <tftsr.h>

G_BEGIN_DECLS

#define TFTSR_TYPE_OLLAMA_PAGE (tftsr_ollama_page_get_type ())
G_DECLARE_FINAL_TYPE (TftsrOllamaPage, tftsr_ollama_page, TFTSR, OLLAMA_PAGE, AdwPreferencesPage)

/* Manages the Ollama of an Ollama provider of @store (the user picks one when there are
 * several; without any, Ollama's usual local address): whether it runs, its models, pulls
 * with progress and Cancel, deletes; and this computer's hardware with the models that
 * suit it. Nothing is asked of the network or the hardware until the page is first shown.
 * Actions: ollama.refresh, ollama.pull (the model's name), ollama.cancel-pull,
 * ollama.delete (the model's name, after a confirmation). The page's ancestor is expected
 * to offer preferences.show-ai-providers. */
TftsrOllamaPage *tftsr_ollama_page_new (TftsrStore *store);
/* The base URL of the Ollama being managed, NULL before the page was shown. */
const char *tftsr_ollama_page_get_url (TftsrOllamaPage *self);

G_END_DECLS
