/* tftsr-image-private.h: what the store needs to build TftsrImage objects
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tftsr-image.h"
#include "tftsr-store-private.h"

/* The SELECT list tftsr_image_new_from_row() reads: everything but the bytes. */
#define TFTSR_IMAGE_COLUMNS                                                                        \
  "id, issue_id, name, mime, size, sha256, width, height, created_at, pii_acknowledged_at"

TftsrImage *tftsr_image_new_from_row (sqlite3_stmt *stmt);
