/* SPDX-License-Identifier: MIT */
/* Tests of the HMAC_DRBG: NIST CAVP known answers (HMAC_DRBG.rsp, SHA-256, no prediction
 * resistance), stream determinism and separation, and the request limits. */
#include "models/common/drbg.h"
#include "tests/lib/testutil.h"

#include <glib.h>
#include <string.h>

/* CAVP procedure: instantiate, generate 1024 bits (discarded), generate 1024 bits and
 * compare with ReturnedBits. */
static void cavp(const char *entropy, const char *nonce, const char *pers, const char *reseed,
                 const char *returned)
{
  g_autoptr(GBytes) e = tu_hex(entropy), n = tu_hex(nonce), p = tu_hex(pers);
  Drbg *d = drbg_new(g_bytes_get_data(e, NULL), g_bytes_get_size(e), g_bytes_get_data(n, NULL),
                     g_bytes_get_size(n), g_bytes_get_data(p, NULL), g_bytes_get_size(p));
  if (reseed) {
    g_autoptr(GBytes) r = tu_hex(reseed);
    drbg_reseed(d, g_bytes_get_data(r, NULL), g_bytes_get_size(r), NULL, 0);
  }
  uint8_t out[128];
  g_assert_true(drbg_generate(d, out, sizeof out, NULL, 0));
  g_assert_true(drbg_generate(d, out, sizeof out, NULL, 0));
  tu_assert_hex(out, sizeof out, returned);
  drbg_free(d);
}

static void test_cavp_no_reseed(void)
{
  /* [SHA-256] [PredictionResistance = False] [EntropyInputLen = 256] [NonceLen = 128]
   * [PersonalizationStringLen = 0] [AdditionalInputLen = 0] COUNT = 0 */
  cavp("ca851911349384bffe89de1cbdc46e6831e44d34a4fb935ee285dd14b71a7488",
       "659ba96c601dc69fc902940805ec0ca8", "", NULL,
       "e528e9abf2dece54d47c7e75e5fe302149f817ea9fb4bee6f4199697d04d5b89"
       "d54fbb978a15b5c443c9ec21036d2460b6f73ebad0dc2aba6e624abf07745bc1"
       "07694bb7547bb0995f70de25d6b29e2d3011bb19d27676c07162c8b5ccde0668"
       "961df86803482cb37ed6d5c0bb8d50cf1f50d476aa0458bdaba806f48be9dcb8");
  /* COUNT = 1 */
  cavp("79737479ba4e7642a221fcfd1b820b134e9e3540a35bb48ffae29c20f5418ea3",
       "3593259c092bef4129bc2c6c9e19f343", "", NULL,
       "cf5ad5984f9e43917aa9087380dac46e410ddc8a7731859c84e9d0f31bd43655"
       "b924159413e2293b17610f211e09f770f172b8fb693a35b85d3b9e5e63b1dc25"
       "2ac0e115002e9bedfb4b5b6fd43f33b8e0eafb2d072e1a6fee1f159df9b51e6c"
       "8da737e60d5032dd30544ec51558c6f080bdbdab1de8a939e961e06b5f1aca37");
}

static void test_cavp_personalization(void)
{
  /* [PersonalizationStringLen = 256] COUNT = 0 */
  cavp("5cacc68165a2e2ee20812f35ec73a79dbf30fd475476ac0c44fc6174cdac2b55",
       "6f885496c1e63af620becd9e71ecb824",
       "e72dd8590d4ed5295515c35ed6199e9d211b8f069b3058caa6670b96ef1208d0", NULL,
       "f1012cf543f94533df27fedfbf58e5b79a3dc517a9c402bdbfc9a0c0f721f9d5"
       "3faf4aafdc4b8f7a1b580fcaa52338d4bd95f58966a243cdcd3f446ed4bc546d"
       "9f607b190dd69954450d16cd0e2d6437067d8b44d19a6af7a7cfa8794e5fbd72"
       "8e8fb2f2e8db5dd4ff1aa275f35886098e80ff844886060da8b1e7137846b23b");
}

static void test_cavp_reseed(void)
{
  /* HMAC_DRBG.rsp with reseed (pr_false), [SHA-256] COUNT = 0: instantiate with 48 bytes
   * of entropy||nonce, reseed with 32, generate twice. */
  cavp("06032cd5eed33f39265f49ecb142c511da9aff2af71203bffaf34a9ca5bd9c0d",
       "0e66f71edc43e42a45ad3c6fc6cdc4df", "",
       "01920a4e669ed3a85ae8a33b35a74ad7fb2a6bb4cf395ce00334a9c9a5a5d552",
       "76fc79fe9b50beccc991a11b5635783a83536add03c157fb30645e611c2898bb"
       "2b1bc215000209208cd506cb28da2a51bdb03826aaf2bd2335d576d519160842"
       "e7158ad0949d1a9ec3e66ea1b1a064b005de914eac2e9d4f2d72a8616a802254"
       "22918250ff66a41bd2f864a6a38cc5b6499dc43f7f2bd09e1e0f8f5885935124");
}

static void test_streams(void)
{
  Drbg *a = drbg_new_stream(42, "gw0/ike"), *b = drbg_new_stream(42, "gw0/ike");
  Drbg *c = drbg_new_stream(42, "gw0/esp"), *d = drbg_new_stream(43, "gw0/ike");
  uint8_t x[100], y[100], z[100], w[100];
  drbg_bytes(a, x, sizeof x);
  drbg_bytes(b, y, sizeof y);
  drbg_bytes(c, z, sizeof z);
  drbg_bytes(d, w, sizeof w);
  g_assert_cmpmem(x, sizeof x, y, sizeof y);          /* same seed and label: same bytes */
  g_assert_true(memcmp(x, z, sizeof x) != 0);         /* another label */
  g_assert_true(memcmp(x, w, sizeof x) != 0);         /* another seed */
  /* The stream is pinned: a change in seeding would silently change every pcap. */
  Drbg *pin = drbg_new_stream(1, "pin");
  uint8_t p[16];
  drbg_bytes(pin, p, sizeof p);
  g_autofree char *hex = g_strdup_printf("%02x%02x%02x%02x", p[0], p[1], p[2], p[3]);
  g_test_message("stream(1, \"pin\") starts %s", hex);
  Drbg *pin2 = drbg_new(
      "vpnsim-drbg/1\x00\x00\x00\x00\x00\x00\x00\x01", 21, "pin", 3, NULL, 0);
  uint8_t q[16];
  drbg_bytes(pin2, q, sizeof q);
  g_assert_cmpmem(p, sizeof p, q, sizeof q);
  drbg_free(a);
  drbg_free(b);
  drbg_free(c);
  drbg_free(d);
  drbg_free(pin);
  drbg_free(pin2);
  drbg_free(NULL);
}

static void test_limits(void)
{
  Drbg *d = drbg_new_stream(7, "limits");
  g_autofree uint8_t *big = g_malloc(DRBG_MAX_REQUEST + 1);
  g_assert_false(drbg_generate(d, big, DRBG_MAX_REQUEST + 1, NULL, 0));
  g_assert_true(drbg_generate(d, big, DRBG_MAX_REQUEST, NULL, 0));
  drbg_bytes(d, big, DRBG_MAX_REQUEST + 1); /* split into two requests */
  /* additional input changes the output */
  Drbg *e = drbg_new_stream(7, "x"), *f = drbg_new_stream(7, "x");
  uint8_t a[32], b[32];
  g_assert_true(drbg_generate(e, a, 32, "add", 3));
  g_assert_true(drbg_generate(f, b, 32, NULL, 0));
  g_assert_true(memcmp(a, b, 32) != 0);
  drbg_free(d);
  drbg_free(e);
  drbg_free(f);
}

static void test_uniform(void)
{
  Drbg *d = drbg_new_stream(9, "uniform");
  unsigned counts[6] = {0};
  for (int i = 0; i < 60000; i++) {
    uint64_t v = drbg_uniform(d, 6);
    g_assert_cmpuint(v, <, 6);
    counts[v]++;
  }
  for (int i = 0; i < 6; i++) /* 10000 expected each; 5 sigma is about 460 */
    g_assert_cmpuint(counts[i], >, 9400);
  g_assert_cmpuint(drbg_uniform(d, 0), ==, 0);
  g_assert_cmpuint(drbg_uniform(d, 1), ==, 0);
  (void)drbg_u32(d);
  drbg_free(d);
  Drbg *live = drbg_new_entropy("live"); /* real entropy: only that it works */
  (void)drbg_u64(live);
  drbg_free(live);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/drbg/cavp-no-reseed", test_cavp_no_reseed);
  g_test_add_func("/drbg/cavp-personalization", test_cavp_personalization);
  g_test_add_func("/drbg/cavp-reseed", test_cavp_reseed);
  g_test_add_func("/drbg/streams", test_streams);
  g_test_add_func("/drbg/limits", test_limits);
  g_test_add_func("/drbg/uniform", test_uniform);
  return g_test_run();
}
