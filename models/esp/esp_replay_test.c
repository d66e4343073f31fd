/* SPDX-License-Identifier: MIT */
/* Tests of the anti-replay window (RFC 4303 3.4.3) at 64 and 1024 and of the sender's
 * sequence counter overflow (RFC 4303 3.3.3). */
#include "models/esp/esp_replay.h"

#include <glib.h>

static void window_edges(uint32_t w)
{
  EspReplay r;
  g_assert_true(esp_replay_init(&r, w));
  g_assert_cmpint(esp_replay_check(&r, 0), ==, ESP_REPLAY_ZERO);
  g_assert_cmpint(esp_replay_update(&r, 1), ==, ESP_REPLAY_OK);
  g_assert_cmpint(esp_replay_update(&r, 1), ==, ESP_REPLAY_DUPLICATE);
  /* jump to top = 10 * w */
  uint32_t top = 10 * w;
  g_assert_cmpint(esp_replay_update(&r, top), ==, ESP_REPLAY_OK);
  g_assert_cmpint(esp_replay_check(&r, top), ==, ESP_REPLAY_DUPLICATE);
  /* just inside: top - (w - 1) is the window's left edge */
  g_assert_cmpint(esp_replay_check(&r, top - (w - 1)), ==, ESP_REPLAY_OK);
  /* just outside */
  g_assert_cmpint(esp_replay_check(&r, top - w), ==, ESP_REPLAY_TOO_OLD);
  g_assert_cmpint(esp_replay_update(&r, top - w), ==, ESP_REPLAY_TOO_OLD);
  /* accept the left edge, then it is a duplicate */
  g_assert_cmpint(esp_replay_update(&r, top - (w - 1)), ==, ESP_REPLAY_OK);
  g_assert_cmpint(esp_replay_update(&r, top - (w - 1)), ==, ESP_REPLAY_DUPLICATE);
  /* every slot in between is new once, then duplicate */
  for (uint32_t s = top - (w - 2); s < top; s++)
    g_assert_cmpint(esp_replay_update(&r, s), ==, ESP_REPLAY_OK);
  for (uint32_t s = top - (w - 1); s <= top; s++)
    g_assert_cmpint(esp_replay_check(&r, s), ==, ESP_REPLAY_DUPLICATE);
  /* advance by one: the old left edge falls out, the new slot is fresh (it held a
   * number a ring ago) */
  g_assert_cmpint(esp_replay_update(&r, top + 1), ==, ESP_REPLAY_OK);
  g_assert_cmpint(esp_replay_check(&r, top - (w - 1)), ==, ESP_REPLAY_TOO_OLD);
  g_assert_cmpint(esp_replay_check(&r, top - (w - 2)), ==, ESP_REPLAY_DUPLICATE);
  /* advance by less than the window: the gap is fresh, the overlap still remembered */
  uint32_t t2 = top + 1 + w / 2;
  g_assert_cmpint(esp_replay_update(&r, t2), ==, ESP_REPLAY_OK);
  for (uint32_t s = top + 2; s < t2; s++)
    g_assert_cmpint(esp_replay_check(&r, s), ==, ESP_REPLAY_OK);
  g_assert_cmpint(esp_replay_check(&r, top), ==, ESP_REPLAY_DUPLICATE);
  /* far ahead: everything before the new window is too old, inside is fresh */
  uint32_t far = t2 + 100 * w;
  g_assert_cmpint(esp_replay_update(&r, far), ==, ESP_REPLAY_OK);
  g_assert_cmpint(esp_replay_check(&r, t2), ==, ESP_REPLAY_TOO_OLD);
  for (uint32_t s = far - (w - 1); s < far; s++)
    g_assert_cmpint(esp_replay_check(&r, s), ==, ESP_REPLAY_OK);
  /* the top of the 32-bit space */
  g_assert_cmpint(esp_replay_update(&r, UINT32_MAX), ==, ESP_REPLAY_OK);
  g_assert_cmpint(esp_replay_check(&r, UINT32_MAX), ==, ESP_REPLAY_DUPLICATE);
  g_assert_cmpint(esp_replay_check(&r, UINT32_MAX - w), ==, ESP_REPLAY_TOO_OLD);
  g_assert_cmpint(esp_replay_check(&r, UINT32_MAX - w + 1), ==, ESP_REPLAY_OK);
}

static void test_window_64(void) { window_edges(64); }
static void test_window_1024(void) { window_edges(1024); }
static void test_window_100(void) { window_edges(100); } /* not a power of two */
static void test_window_4096(void) { window_edges(4096); }

static void test_window_limits(void)
{
  EspReplay r;
  g_assert_false(esp_replay_init(&r, 0));
  g_assert_false(esp_replay_init(&r, 31));
  g_assert_true(esp_replay_init(&r, 32));
  g_assert_false(esp_replay_init(&r, 4097));
}

/* Random arrival order within the window against a reference set. */
static void test_window_model(void)
{
  EspReplay r;
  g_assert_true(esp_replay_init(&r, 128));
  GHashTable *seen = g_hash_table_new(g_direct_hash, g_direct_equal);
  GRand *rnd = g_rand_new_with_seed(5);
  uint32_t top = 0;
  for (int k = 0; k < 20000; k++) {
    uint32_t s = (uint32_t)g_rand_int_range(rnd, 1, 300) + (uint32_t)k / 4;
    EspReplayVerdict want;
    if (s > top)
      want = ESP_REPLAY_OK;
    else if (top - s >= 128)
      want = ESP_REPLAY_TOO_OLD;
    else
      want = g_hash_table_contains(seen, GUINT_TO_POINTER(s)) ? ESP_REPLAY_DUPLICATE
                                                              : ESP_REPLAY_OK;
    g_assert_cmpint(esp_replay_update(&r, s), ==, want);
    if (want == ESP_REPLAY_OK) {
      g_hash_table_add(seen, GUINT_TO_POINTER(s));
      if (s > top)
        top = s;
    }
  }
  g_rand_free(rnd);
  g_hash_table_unref(seen);
}

static void test_seq_overflow(void)
{
  uint32_t last = 0, out = 0;
  g_assert_true(esp_seq_next(&last, &out));
  g_assert_cmpuint(out, ==, 1);
  last = UINT32_MAX - 1;
  g_assert_true(esp_seq_next(&last, &out));
  g_assert_cmpuint(out, ==, UINT32_MAX);
  /* no wrap to 0 */
  g_assert_false(esp_seq_next(&last, &out));
  g_assert_cmpuint(last, ==, UINT32_MAX);
  g_assert_cmpuint(out, ==, UINT32_MAX);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/esp/replay/window_64", test_window_64);
  g_test_add_func("/esp/replay/window_1024", test_window_1024);
  g_test_add_func("/esp/replay/window_100", test_window_100);
  g_test_add_func("/esp/replay/window_4096", test_window_4096);
  g_test_add_func("/esp/replay/limits", test_window_limits);
  g_test_add_func("/esp/replay/model", test_window_model);
  g_test_add_func("/esp/replay/seq_overflow", test_seq_overflow);
  return g_test_run();
}
