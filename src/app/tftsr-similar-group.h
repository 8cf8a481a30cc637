/* tftsr-similar-group.h: past incidents whose logs said what this incident's logs say
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include <tftsr.h>

G_BEGIN_DECLS

#define TFTSR_TYPE_SIMILAR_GROUP (tftsr_similar_group_get_type ())
G_DECLARE_FINAL_TYPE (TftsrSimilarGroup, tftsr_similar_group, TFTSR, SIMILAR_GROUP, GtkWidget)

/* Signals: ::failed (GError *) when the incidents could not be looked up. Property
 * "loading" while a lookup runs. Rows activate "win.show-incident" (x) with the other
 * incident's id. The group is hidden while it has nothing to show. */
void tftsr_similar_group_set_store (TftsrSimilarGroup *self, TftsrStore *store);
/* Looks up the incidents like @issue_id (0: none), best first; a lookup for the incident
 * before is cancelled and its rows removed. */
void tftsr_similar_group_load (TftsrSimilarGroup *self, gint64 issue_id);
/* Looks again for the same incident (its logs changed); the rows stay until the answer. */
void tftsr_similar_group_reload (TftsrSimilarGroup *self);
gboolean tftsr_similar_group_get_loading (TftsrSimilarGroup *self);

G_END_DECLS
