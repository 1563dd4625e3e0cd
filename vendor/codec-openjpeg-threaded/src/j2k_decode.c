/*
 * Minimal C entry points over OpenJPEG for the app's JPEG 2000 decoder (issue #12).
 * One call decodes a whole codestream from memory with OpenJPEG's own thread pool
 * (opj_codec_set_threads: code-blocks and the inverse wavelet in parallel, as GDCM does natively)
 * and writes the samples pixel-interleaved as 8- or 16-bit integers.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <emscripten/emscripten.h>
#include "openjpeg.h"

typedef struct {
  const uint8_t *data;
  OPJ_SIZE_T length;
  OPJ_SIZE_T offset;
} memory_stream;

static OPJ_SIZE_T stream_read(void *buffer, OPJ_SIZE_T count, void *user) {
  memory_stream *s = (memory_stream *)user;
  if (s->offset >= s->length) return (OPJ_SIZE_T)-1;
  OPJ_SIZE_T left = s->length - s->offset;
  if (count > left) count = left;
  memcpy(buffer, s->data + s->offset, count);
  s->offset += count;
  return count;
}

static OPJ_OFF_T stream_skip(OPJ_OFF_T count, void *user) {
  memory_stream *s = (memory_stream *)user;
  if (count < 0) {
    if ((OPJ_SIZE_T)(-count) > s->offset) count = -(OPJ_OFF_T)s->offset;
  } else if ((OPJ_SIZE_T)count > s->length - s->offset) {
    count = (OPJ_OFF_T)(s->length - s->offset);
  }
  s->offset += count;
  return count;
}

static OPJ_BOOL stream_seek(OPJ_OFF_T offset, void *user) {
  memory_stream *s = (memory_stream *)user;
  if (offset < 0 || (OPJ_SIZE_T)offset > s->length) return OPJ_FALSE;
  s->offset = (OPJ_SIZE_T)offset;
  return OPJ_TRUE;
}

static char last_error[512];

static void on_error(const char *msg, void *user) {
  (void)user;
  /* Keep the first error: later ones are usually consequences of it. */
  if (last_error[0] == 0) {
    strncpy(last_error, msg, sizeof last_error - 1);
    size_t n = strlen(last_error);
    while (n > 0 && (last_error[n - 1] == '\n' || last_error[n - 1] == '\r')) last_error[--n] = 0;
  }
}

static void on_quiet(const char *msg, void *user) { (void)msg; (void)user; }

/* Frame description filled by j2k_decode: width, height, components, precision, signed, bytes per sample. */
static int32_t frame_info[6];
static void *decoded = NULL;
static size_t decoded_bytes = 0;

EMSCRIPTEN_KEEPALIVE const char *j2k_last_error(void) { return last_error; }
EMSCRIPTEN_KEEPALIVE int32_t *j2k_frame_info(void) { return frame_info; }
EMSCRIPTEN_KEEPALIVE void *j2k_decoded(void) { return decoded; }
EMSCRIPTEN_KEEPALIVE size_t j2k_decoded_bytes(void) { return decoded_bytes; }

EMSCRIPTEN_KEEPALIVE void j2k_release(void) {
  free(decoded);
  decoded = NULL;
  decoded_bytes = 0;
}

/*
 * Decodes `length` bytes of a J2K codestream with `threads` threads.
 * Returns 0 on success, else a step number (1 setup, 2 header, 3 decode, 4 layout, 5 memory)
 * with the message in j2k_last_error().
 */
EMSCRIPTEN_KEEPALIVE int j2k_decode(const uint8_t *data, size_t length, int threads) {
  j2k_release();
  last_error[0] = 0;
  memset(frame_info, 0, sizeof frame_info);
  int status = 0;
  opj_image_t *image = NULL;
  opj_codec_t *codec = opj_create_decompress(OPJ_CODEC_J2K);
  opj_stream_t *stream = opj_stream_create(1 << 20, OPJ_TRUE);
  memory_stream source = {data, length, 0};
  opj_dparameters_t params;
  if (!codec || !stream) { status = 1; goto done; }
  opj_set_error_handler(codec, on_error, NULL);
  opj_set_warning_handler(codec, on_quiet, NULL);
  opj_set_info_handler(codec, on_quiet, NULL);
  opj_stream_set_user_data(stream, &source, NULL);
  opj_stream_set_user_data_length(stream, length);
  opj_stream_set_read_function(stream, stream_read);
  opj_stream_set_skip_function(stream, stream_skip);
  opj_stream_set_seek_function(stream, stream_seek);
  opj_set_default_decoder_parameters(&params);
  if (!opj_setup_decoder(codec, &params)) { status = 1; goto done; }
  if (threads > 1) opj_codec_set_threads(codec, threads);
  if (!opj_read_header(stream, codec, &image)) { status = 2; goto done; }
  if (!opj_decode(codec, stream, image) || !opj_end_decompress(codec, stream)) { status = 3; goto done; }

  uint32_t comps = image->numcomps;
  if (comps == 0 || comps > 4) { status = 4; snprintf(last_error, sizeof last_error, "%u components", comps); goto done; }
  uint32_t width = image->comps[0].w, height = image->comps[0].h, prec = image->comps[0].prec, sgnd = image->comps[0].sgnd;
  for (uint32_t c = 0; c < comps; c++) {
    opj_image_comp_t *comp = &image->comps[c];
    /* Subsampled components (e.g. 4:2:0 YCbCr) have no place in a DICOM frame of this syntax. */
    if (comp->w != width || comp->h != height || comp->prec != prec || comp->sgnd != sgnd || !comp->data) {
      status = 4;
      snprintf(last_error, sizeof last_error, "component %u has a different size, precision or sign", c);
      goto done;
    }
  }
  if (prec == 0 || prec > 16) { status = 4; snprintf(last_error, sizeof last_error, "%u-bit samples", prec); goto done; }
  size_t bytes_per_sample = prec <= 8 ? 1 : 2;
  size_t samples = (size_t)width * height;
  decoded_bytes = samples * comps * bytes_per_sample;
  decoded = malloc(decoded_bytes ? decoded_bytes : 1);
  if (!decoded) { status = 5; decoded_bytes = 0; snprintf(last_error, sizeof last_error, "out of memory"); goto done; }
  for (uint32_t c = 0; c < comps; c++) {
    const OPJ_INT32 *src = image->comps[c].data;
    if (bytes_per_sample == 1) {
      uint8_t *dst = (uint8_t *)decoded + c;
      for (size_t i = 0; i < samples; i++) dst[i * comps] = (uint8_t)src[i];
    } else {
      uint16_t *dst = (uint16_t *)decoded + c;
      for (size_t i = 0; i < samples; i++) dst[i * comps] = (uint16_t)src[i];
    }
  }
  frame_info[0] = (int32_t)width;
  frame_info[1] = (int32_t)height;
  frame_info[2] = (int32_t)comps;
  frame_info[3] = (int32_t)prec;
  frame_info[4] = (int32_t)sgnd;
  frame_info[5] = (int32_t)bytes_per_sample;

done:
  if (stream) opj_stream_destroy(stream);
  if (codec) opj_destroy_codec(codec);
  if (image) opj_image_destroy(image);
  if (status != 0 && last_error[0] == 0) snprintf(last_error, sizeof last_error, "OpenJPEG failed at step %d", status);
  return status;
}
