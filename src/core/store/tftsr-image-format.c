/* tftsr-image-format.c: which image format some bytes are, and their size in pixels
 *
 * The bytes come from anywhere (a file, the clipboard), so this is a parser of untrusted
 * input: every read is checked against the length first, and the only loop (over JPEG
 * segments) always moves forward.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "tftsr-image.h"

typedef const char *(*Sniffer) (const guint8 *d, gsize len, guint *w, guint *h);

/* Whether @n bytes from @offset lie inside @len. */
static gboolean
has (gsize len, gsize offset, gsize n)
{
  return offset <= len && n <= len - offset;
}

static guint
be16 (const guint8 *p)
{
  return (guint) p[0] << 8 | p[1];
}

static guint32
be32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

static guint
le16 (const guint8 *p)
{
  return p[0] | (guint) p[1] << 8;
}

static guint32
le24 (const guint8 *p)
{
  return p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16;
}

static guint32
le32 (const guint8 *p)
{
  return le24 (p) | (guint32) p[3] << 24;
}

static const char *
sniff_png (const guint8 *d, gsize len, guint *w, guint *h)
{
  static const guint8 magic[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

  if (!has (len, 0, sizeof magic) || memcmp (d, magic, sizeof magic) != 0)
    return NULL;
  /* The first chunk is IHDR: length, type, then width and height. */
  if (has (len, 12, 12) && memcmp (d + 12, "IHDR", 4) == 0)
    {
      *w = be32 (d + 16);
      *h = be32 (d + 20);
    }
  return "image/png";
}

static const char *
sniff_gif (const guint8 *d, gsize len, guint *w, guint *h)
{
  if (!has (len, 0, 6) || (memcmp (d, "GIF87a", 6) != 0 && memcmp (d, "GIF89a", 6) != 0))
    return NULL;
  /* The logical screen: what a viewer shows, whatever the frames inside it. */
  if (has (len, 6, 4))
    {
      *w = le16 (d + 6);
      *h = le16 (d + 8);
    }
  return "image/gif";
}

/* SOF0–SOF15 start a frame, except C4 (DHT), C8 (JPG) and CC (DAC). */
static gboolean
is_frame_header (guint8 marker)
{
  return marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
}

/* Walks the segments after SOI to the frame header. */
static void
jpeg_size (const guint8 *d, gsize len, guint *w, guint *h)
{
  gsize p = 2;

  while (p < len && d[p] == 0xff)
    {
      guint8 marker;
      gsize seg;

      while (p < len && d[p] == 0xff) /* fill bytes */
        p++;
      if (p >= len)
        return;
      marker = d[p++];
      if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd8)) /* TEM, RSTn, SOI: no length */
        continue;
      /* EOI, or SOS: the frame header would have come before it. 00 is no marker. */
      if (marker == 0xd9 || marker == 0xda || marker == 0x00)
        return;
      if (!has (len, p, 2) || (seg = be16 (d + p)) < 2)
        return;
      if (is_frame_header (marker))
        {
          /* length (2), precision (1), height (2), width (2) */
          if (seg >= 7 && has (len, p, 7))
            {
              *h = be16 (d + p + 3);
              *w = be16 (d + p + 5);
            }
          return;
        }
      p += seg;
    }
}

static const char *
sniff_jpeg (const guint8 *d, gsize len, guint *w, guint *h)
{
  /* SOI, then the first segment's marker. */
  if (!has (len, 0, 3) || d[0] != 0xff || d[1] != 0xd8 || d[2] != 0xff)
    return NULL;
  jpeg_size (d, len, w, h);
  return "image/jpeg";
}

/* The first chunk after "WEBP": FourCC at 12, size at 16, payload from 20. */
static void
webp_size (const guint8 *d, gsize len, guint *w, guint *h)
{
  const guint8 *fourcc = d + 12, *p = d + 20;

  if (memcmp (fourcc, "VP8 ", 4) == 0 && has (len, 20, 10) && p[3] == 0x9d && p[4] == 0x01 &&
      p[5] == 0x2a)
    {
      /* Lossy: frame tag (3), start code (3), then 14 bits of width and of height, each
       * followed by 2 bits of scaling. */
      *w = le16 (p + 6) & 0x3fff;
      *h = le16 (p + 8) & 0x3fff;
    }
  else if (memcmp (fourcc, "VP8L", 4) == 0 && has (len, 20, 5) && p[0] == 0x2f)
    {
      /* Lossless: signature, then width - 1 and height - 1 in 14 bits each, LSB first. */
      guint32 bits = le32 (p + 1);
      *w = (bits & 0x3fff) + 1;
      *h = ((bits >> 14) & 0x3fff) + 1;
    }
  else if (memcmp (fourcc, "VP8X", 4) == 0 && has (len, 20, 10))
    {
      /* Extended: flags (1), reserved (3), canvas width - 1 and height - 1 in 24 bits. */
      *w = le24 (p + 4) + 1;
      *h = le24 (p + 7) + 1;
    }
}

static const char *
sniff_webp (const guint8 *d, gsize len, guint *w, guint *h)
{
  if (!has (len, 0, 12) || memcmp (d, "RIFF", 4) != 0 || memcmp (d + 8, "WEBP", 4) != 0)
    return NULL;
  if (has (len, 12, 4))
    webp_size (d, len, w, h);
  return "image/webp";
}

const char *
tftsr_image_sniff (const guint8 *data, gsize length, guint *width, guint *height)
{
  static const Sniffer sniffers[] = { sniff_png, sniff_jpeg, sniff_gif, sniff_webp };
  const char *mime = NULL;
  guint w = 0, h = 0;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (sniffers) && mime == NULL; i++)
    mime = sniffers[i](data, length, &w, &h);
  /* A size with one side unknown (JPEG's height from a later DNL segment) is no size. */
  if (mime == NULL || w == 0 || h == 0)
    w = h = 0;
  if (width != NULL)
    *width = w;
  if (height != NULL)
    *height = h;
  return mime;
}
