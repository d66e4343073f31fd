// SPDX-License-Identifier: MIT
// Faster bodies for two ns-3 3.37 functions that dominate the per-packet profile of a tunnel
// run (issue 23), giving the same results bit for bit:
//
//   ns3::CRC32Calculate                    the Ethernet FCS of every CSMA frame: computed on
//                                          send and checked on receive whenever ChecksumEnabled
//                                          is on (vpnsim's default). ns-3 runs a byte-at-a-time
//                                          table loop: 35% of a tunnel run's samples.
//   ns3::Buffer::Iterator::CalculateIpChecksum   the UDP/TCP checksum (RFC 1071), ns-3 reading
//                                          one byte at a time through the zero-area test.
//
// These definitions in the executable interpose on the shared library's (libns3-network calls
// both through its PLT, and the linker exports a symbol an executable defines that a shared
// library it links also has): the functions keep their names and signatures, so nothing else
// changes. net_fast_paths_active() tells whether the dynamic linker bound them here.
#include "sim/engine/net.h"

#include <ns3/buffer.h>
#include <ns3/crc32.h>

#include <array>
#include <cstring>
#include <dlfcn.h>
#include <immintrin.h>
#include <vector>

namespace {

// The reflected CRC-32 of IEEE 802.3 (polynomial 0xEDB88320), eight tables for slicing by 8.
using CrcTables = std::array<std::array<uint32_t, 256>, 8>;

constexpr CrcTables make_tables()
{
  CrcTables t{};
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++)
      c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
    t[0][i] = c;
  }
  for (uint32_t i = 0; i < 256; i++)
    for (int s = 1; s < 8; s++)
      t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xff];
  return t;
}

constexpr CrcTables kCrc = make_tables();

uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n)
{
  while (n >= 8) {
    uint32_t a, b;
    memcpy(&a, p, 4);
    memcpy(&b, p + 4, 4);
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
    a = __builtin_bswap32(a);
    b = __builtin_bswap32(b);
#endif
    a ^= crc;
    crc = kCrc[7][a & 0xff] ^ kCrc[6][(a >> 8) & 0xff] ^ kCrc[5][(a >> 16) & 0xff] ^
          kCrc[4][a >> 24] ^ kCrc[3][b & 0xff] ^ kCrc[2][(b >> 8) & 0xff] ^
          kCrc[1][(b >> 16) & 0xff] ^ kCrc[0][b >> 24];
    p += 8;
    n -= 8;
  }
  while (n--)
    crc = (crc >> 8) ^ kCrc[0][(crc ^ *p++) & 0xff];
  return crc;
}

// Folding with carry-less multiplication (Intel, "Fast CRC Computation for Generic
// Polynomials Using PCLMULQDQ Instruction", 2009; the reflected-domain constants k1..k5 and
// the Barrett pair of its appendix, as zlib's crc32_simd.c uses them). n >= 64, a multiple
// of 16; crc and the result are the running (not complemented) register.
__attribute__((target("pclmul,sse4.1"))) uint32_t crc32_clmul(uint32_t crc, const uint8_t *p,
                                                             size_t n)
{
  alignas(16) static const uint64_t k1k2[] = {0x0154442bd4, 0x01c6e41596};
  alignas(16) static const uint64_t k3k4[] = {0x01751997d0, 0x00ccaa009e};
  alignas(16) static const uint64_t k5k0[] = {0x0163cd6124, 0x0000000000};
  alignas(16) static const uint64_t poly[] = {0x01db710641, 0x01f7011641};
  __m128i x0, x1, x2, x3, x4, x5, x6, x7, x8, y5, y6, y7, y8;
  x1 = _mm_loadu_si128((const __m128i *)(p + 0x00));
  x2 = _mm_loadu_si128((const __m128i *)(p + 0x10));
  x3 = _mm_loadu_si128((const __m128i *)(p + 0x20));
  x4 = _mm_loadu_si128((const __m128i *)(p + 0x30));
  x1 = _mm_xor_si128(x1, _mm_cvtsi32_si128((int)crc));
  x0 = _mm_load_si128((const __m128i *)k1k2);
  p += 64;
  n -= 64;
  while (n >= 64) { // four 128-bit lanes folded in parallel
    x5 = _mm_clmulepi64_si128(x1, x0, 0x00);
    x6 = _mm_clmulepi64_si128(x2, x0, 0x00);
    x7 = _mm_clmulepi64_si128(x3, x0, 0x00);
    x8 = _mm_clmulepi64_si128(x4, x0, 0x00);
    x1 = _mm_clmulepi64_si128(x1, x0, 0x11);
    x2 = _mm_clmulepi64_si128(x2, x0, 0x11);
    x3 = _mm_clmulepi64_si128(x3, x0, 0x11);
    x4 = _mm_clmulepi64_si128(x4, x0, 0x11);
    y5 = _mm_loadu_si128((const __m128i *)(p + 0x00));
    y6 = _mm_loadu_si128((const __m128i *)(p + 0x10));
    y7 = _mm_loadu_si128((const __m128i *)(p + 0x20));
    y8 = _mm_loadu_si128((const __m128i *)(p + 0x30));
    x1 = _mm_xor_si128(_mm_xor_si128(x1, x5), y5);
    x2 = _mm_xor_si128(_mm_xor_si128(x2, x6), y6);
    x3 = _mm_xor_si128(_mm_xor_si128(x3, x7), y7);
    x4 = _mm_xor_si128(_mm_xor_si128(x4, x8), y8);
    p += 64;
    n -= 64;
  }
  x0 = _mm_load_si128((const __m128i *)k3k4); // the four lanes into one
  x5 = _mm_clmulepi64_si128(x1, x0, 0x00);
  x1 = _mm_clmulepi64_si128(x1, x0, 0x11);
  x1 = _mm_xor_si128(_mm_xor_si128(x1, x2), x5);
  x5 = _mm_clmulepi64_si128(x1, x0, 0x00);
  x1 = _mm_clmulepi64_si128(x1, x0, 0x11);
  x1 = _mm_xor_si128(_mm_xor_si128(x1, x3), x5);
  x5 = _mm_clmulepi64_si128(x1, x0, 0x00);
  x1 = _mm_clmulepi64_si128(x1, x0, 0x11);
  x1 = _mm_xor_si128(_mm_xor_si128(x1, x4), x5);
  while (n >= 16) {
    x2 = _mm_loadu_si128((const __m128i *)p);
    x5 = _mm_clmulepi64_si128(x1, x0, 0x00);
    x1 = _mm_clmulepi64_si128(x1, x0, 0x11);
    x1 = _mm_xor_si128(_mm_xor_si128(x1, x2), x5);
    p += 16;
    n -= 16;
  }
  x2 = _mm_clmulepi64_si128(x1, x0, 0x10); // 128 bits to 64
  x3 = _mm_setr_epi32(~0, 0, ~0, 0);
  x1 = _mm_srli_si128(x1, 8);
  x1 = _mm_xor_si128(x1, x2);
  x0 = _mm_loadl_epi64((const __m128i *)k5k0);
  x2 = _mm_srli_si128(x1, 4);
  x1 = _mm_and_si128(x1, x3);
  x1 = _mm_clmulepi64_si128(x1, x0, 0x00);
  x1 = _mm_xor_si128(x1, x2);
  x0 = _mm_load_si128((const __m128i *)poly); // Barrett reduction to 32 bits
  x2 = _mm_and_si128(x1, x3);
  x2 = _mm_clmulepi64_si128(x2, x0, 0x10);
  x2 = _mm_and_si128(x2, x3);
  x2 = _mm_clmulepi64_si128(x2, x0, 0x00);
  x1 = _mm_xor_si128(x1, x2);
  return (uint32_t)_mm_extract_epi32(x1, 1);
}

bool have_clmul()
{
  static const bool have = [] {
    __builtin_cpu_init(); // may run before libgcc's constructor otherwise
    return __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
  }();
  return have;
}

uint32_t crc32_run(uint32_t crc, const uint8_t *p, size_t n)
{
  if (n >= 64 && have_clmul()) {
    size_t m = n & ~(size_t)15;
    crc = crc32_clmul(crc, p, m);
    p += m;
    n -= m;
  }
  return crc32_update(crc, p, n);
}

// The exact sum ns-3's loop forms, sum += ReadU16() (little-endian words from the start) with
// a last odd byte added as it is, over contiguous bytes whose first one is at an odd (high
// byte) or even (low byte) offset from the start of the checksummed range.
uint64_t word_sum(const uint8_t *p, size_t n, bool odd)
{
  uint64_t lo = 0, hi = 0;
  if (odd && n) {
    hi += (uint64_t)*p++ << 8;
    n--;
  }
  // Little-endian 32-bit loads: the low half is one word, the high half the next; the two
  // halves are added apart so the total is exact, not merely congruent mod 0xffff.
  while (n >= 4) {
    uint32_t v;
    memcpy(&v, p, 4);
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
    v = __builtin_bswap32(v);
#endif
    lo += v & 0xffff;
    hi += v >> 16;
    p += 4;
    n -= 4;
  }
  if (n >= 2) {
    lo += (uint32_t)p[0] | (uint32_t)p[1] << 8;
    p += 2;
    n -= 2;
  }
  if (n)
    lo += *p;
  return lo + hi;
}

} // namespace

namespace ns3 {

uint32_t CRC32Calculate(const uint8_t *data, int length)
{
  if (length <= 0)
    return 0;
  return ~crc32_run(0xffffffffu, data, (size_t)length);
}

uint16_t Buffer::Iterator::CalculateIpChecksum(uint16_t size, uint32_t initialChecksum)
{
  // ns-3 3.37 (buffer.cc): for each of size/2 words sum += ReadU16(), then a last odd byte
  // sum += ReadU8(), in a uint32_t; fold; complement. The iterator ends size bytes further.
  // Virtual positions [m_zeroStart, m_zeroEnd) read as zeros; positions from m_zeroEnd on
  // are stored (m_zeroEnd - m_zeroStart) bytes earlier in m_data.
  uint64_t s = 0;
  uint32_t cur = m_current, end = m_current + size;
  if (cur < m_zeroStart) {
    uint32_t stop = end < m_zeroStart ? end : m_zeroStart;
    s += word_sum(m_data + cur, stop - cur, false);
    cur = stop;
  }
  if (cur < end && cur < m_zeroEnd)
    cur = end < m_zeroEnd ? end : m_zeroEnd;
  if (cur < end)
    s += word_sum(m_data + (cur - (m_zeroEnd - m_zeroStart)), end - cur,
                  ((cur - m_current) & 1) != 0);
  m_current = end;
  uint32_t sum = initialChecksum + (uint32_t)s;
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)~sum;
}

uint16_t Buffer::Iterator::CalculateIpChecksum(uint16_t size)
{
  return CalculateIpChecksum(size, 0);
}

} // namespace ns3

extern "C" uint32_t net_crc32(const uint8_t *data, size_t n)
{
  return ~crc32_run(0xffffffffu, data, n);
}

extern "C" bool net_fast_paths_active(void)
{
  // The dynamic linker binds a name to the first definition in load order: these are active
  // when both names resolve into the object that holds this function (the executable).
  Dl_info self, crc, sum;
  void *c = dlsym(RTLD_DEFAULT, "_ZN3ns314CRC32CalculateEPKhi");
  void *s = dlsym(RTLD_DEFAULT, "_ZN3ns36Buffer8Iterator19CalculateIpChecksumEtj");
  return c && s && dladdr((void *)&net_fast_paths_active, &self) && dladdr(c, &crc) &&
         dladdr(s, &sum) && crc.dli_fbase == self.dli_fbase && sum.dli_fbase == self.dli_fbase;
}

// For tests: compare the bodies above with ns-3's own, looked up in libns3-network itself,
// on pseudo-random buffers (data before and after a zero area of random sizes, random start
// and length). Returns the number of mismatches, or -1 when ns-3's originals are not found.
extern "C" int net_fast_paths_selftest(uint64_t seed, int rounds)
{
  void *lib = dlopen("libns3-network.so.37", RTLD_NOW | RTLD_NOLOAD);
  if (!lib)
    return -1;
  auto ns3_crc = (uint32_t (*)(const uint8_t *, int))dlsym(lib, "_ZN3ns314CRC32CalculateEPKhi");
  // Itanium C++ ABI: a member function takes the object as its first argument.
  auto ns3_sum = (uint16_t (*)(ns3::Buffer::Iterator *, uint16_t, uint32_t))dlsym(
      lib, "_ZN3ns36Buffer8Iterator19CalculateIpChecksumEtj");
  dlclose(lib);
  if (!ns3_crc || !ns3_sum || (void *)ns3_crc == (void *)&ns3::CRC32Calculate)
    return -1;
  uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  auto next = [&x]() {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  int bad = 0;
  std::vector<uint8_t> buf(9100);
  for (int r = 0; r < rounds; r++) {
    size_t n = next() % 9000;
    for (size_t i = 0; i < n + 64; i++)
      buf[i] = (uint8_t)next();
    size_t off = next() % 64;
    if (ns3_crc(buf.data() + off, (int)n) != ns3::CRC32Calculate(buf.data() + off, (int)n))
      bad++;
    uint32_t head = next() % 1600, zero = next() % 1600, tail = next() % 1600;
    ns3::Buffer b(zero);
    b.AddAtStart(head);
    b.Begin().Write(buf.data(), head);
    b.AddAtEnd(tail);
    ns3::Buffer::Iterator t = b.End();
    t.Prev(tail);
    t.Write(buf.data() + head, tail);
    uint32_t total = head + zero + tail;
    uint32_t start = total ? next() % (total + 1) : 0;
    uint16_t len = (uint16_t)(next() % (total - start + 1));
    uint32_t init = (uint32_t)(next() % 3 == 0 ? next() : next() % 0x30000);
    ns3::Buffer::Iterator a = b.Begin(), c = b.Begin();
    a.Next(start);
    c.Next(start);
    uint16_t want = ns3_sum(&a, len, init), got = c.CalculateIpChecksum(len, init);
    if (want != got || a.GetDistanceFrom(b.Begin()) != c.GetDistanceFrom(b.Begin()))
      bad++;
  }
  return bad;
}
