/* SPDX-License-Identifier: MIT */
/* Deterministic random bit generator: HMAC_DRBG with SHA-256 (NIST SP 800-90A rev.1,
 * section 10.1.2), one stream per node and purpose, seeded from a scenario seed and a
 * stream label, so that the same seed gives the same bytes. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Drbg Drbg;

/* SP 800-90A limits for HMAC_DRBG: at most 2^16 bytes per generate request; reseed
 * after 2^48 requests. */
#define DRBG_MAX_REQUEST 65536u
#define DRBG_RESEED_INTERVAL ((uint64_t)1 << 48)

/* Instantiate_function (10.1.2.3) from explicit inputs: the known-answer tests use it. */
Drbg *drbg_new(const void *entropy, size_t entropy_len, const void *nonce, size_t nonce_len,
               const void *pers, size_t pers_len);
/* The stream for (seed, label): entropy_input = "vpnsim-drbg/1" || be64(seed), nonce =
 * the label's bytes, no personalization. Labels name node and purpose ("gw0/ike"). */
Drbg *drbg_new_stream(uint64_t seed, const char *label);
/* Seeded from the operating system (live mode); label as personalization. */
Drbg *drbg_new_entropy(const char *label);
void drbg_free(Drbg *d); /* wipes the state; NULL is a no-op */

/* Reseed_function (10.1.2.4). */
void drbg_reseed(Drbg *d, const void *entropy, size_t entropy_len, const void *add,
                 size_t add_len);
/* Generate_function (10.1.2.5): n <= DRBG_MAX_REQUEST. False (and no output) when the
 * request is too large or the reseed interval has passed. */
bool drbg_generate(Drbg *d, void *out, size_t n, const void *add, size_t add_len);

/* Conveniences on top of generate, for engines: any length (split into requests). */
void drbg_bytes(Drbg *d, void *out, size_t n);
uint32_t drbg_u32(Drbg *d);
uint64_t drbg_u64(Drbg *d);
/* Uniform in [0, bound) without modulo bias; bound 0 gives 0. */
uint64_t drbg_uniform(Drbg *d, uint64_t bound);
