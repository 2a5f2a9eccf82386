"""Reference values for ProfilePartitionerTests: the jump consistent hash of Lamping & Veach, "A Fast, Minimal Memory,
Consistent Hash Algorithm" (2014, arXiv:1406.2294), transcribed from the C++ in the paper's figure 1, over the first 8
bytes (big-endian) of the SHA-256 of a profile id. Run: python3 jump_hash_reference.py"""
import hashlib

MASK = (1 << 64) - 1


def jump(key: int, buckets: int) -> int:
    b, j = -1, 0
    while j < buckets:
        b = j
        key = (key * 2862933555777941757 + 1) & MASK
        j = int((b + 1) * (float(1 << 31) / float((key >> 33) + 1)))
    return b


def key_of(profile_id: str) -> int:
    return int.from_bytes(hashlib.sha256(profile_id.encode("utf-8")).digest()[:8], "big")


if __name__ == "__main__":
    for key in (0, 1, 0xDEADBEEF, MASK):
        print(f"raw {key}:", [jump(key, n) for n in (1, 2, 3, 16, 1000)])
    for pid in ("prf_1", "prf_2", "prf_abc", "anna@example.com", "p-00042"):
        print(pid, key_of(pid), [jump(key_of(pid), n) for n in (1, 2, 3, 16, 1000)])
