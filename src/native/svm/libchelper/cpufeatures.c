/*
 * netknife: CPU feature detection of Substrate VM's libchelper on amd64 (see
 * include/amd64cpufeatures.h).  Written for nk from Intel's and AMD's CPUID documentation; the
 * feature definitions (which CPUID bits make a JVMCI AMD64.CPUFeature, and when the OS must have
 * enabled the register state) follow HotSpot's VM_Version on x86, which JVMCI reports from.
 */
#include <cpuid.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amd64cpufeatures.h"

#define BIT(reg, n) ((unsigned char) (((reg) >> (n)) & 1u))

typedef struct {
    uint32_t eax, ebx, ecx, edx;
} cpuid_regs;

static cpuid_regs query(uint32_t leaf, uint32_t subleaf)
{
    cpuid_regs r = { 0, 0, 0, 0 };
    __cpuid_count(leaf, subleaf, r.eax, r.ebx, r.ecx, r.edx);
    return r;
}

/* Standard leaf `leaf` if the CPU has it, else all zero. */
static cpuid_regs std_leaf(uint32_t max_std, uint32_t leaf, uint32_t subleaf)
{
    cpuid_regs zero = { 0, 0, 0, 0 };
    return leaf <= max_std ? query(leaf, subleaf) : zero;
}

static cpuid_regs ext_leaf(uint32_t max_ext, uint32_t leaf)
{
    cpuid_regs zero = { 0, 0, 0, 0 };
    return leaf <= max_ext ? query(leaf, 0) : zero;
}

static uint64_t read_xcr0(void)
{
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t) hi << 32) | lo;
}

enum vendor { VENDOR_OTHER, VENDOR_INTEL, VENDOR_AMD, VENDOR_HYGON, VENDOR_ZHAOXIN };

static enum vendor vendor_of(const cpuid_regs *leaf0)
{
    char name[13];
    memcpy(name, &leaf0->ebx, 4);
    memcpy(name + 4, &leaf0->edx, 4);
    memcpy(name + 8, &leaf0->ecx, 4);
    name[12] = '\0';
    if (strcmp(name, "GenuineIntel") == 0) {
        return VENDOR_INTEL;
    }
    if (strcmp(name, "AuthenticAMD") == 0) {
        return VENDOR_AMD;
    }
    if (strcmp(name, "HygonGenuine") == 0) {
        return VENDOR_HYGON;
    }
    if (strcmp(name, "CentaurHauls") == 0 || strcmp(name, "  Shanghai  ") == 0) {
        return VENDOR_ZHAOXIN;
    }
    return VENDOR_OTHER;
}

/* Display family and model from leaf 1 EAX (base + extended fields). */
static uint32_t cpu_family(uint32_t eax1)
{
    uint32_t family = (eax1 >> 8) & 0xf;
    return family == 0xf ? family + ((eax1 >> 20) & 0xff) : family;
}

static uint32_t cpu_model(uint32_t eax1)
{
    uint32_t family = (eax1 >> 8) & 0xf;
    uint32_t model = (eax1 >> 4) & 0xf;
    if (family == 0x6 || family == 0xf) {
        model |= ((eax1 >> 16) & 0xf) << 4;
    }
    return model;
}

/* Hardware threads per core, as HotSpot's threads_per_core (the HT feature is "more than one"). */
static uint32_t threads_per_core(enum vendor vendor, uint32_t max_std, uint32_t max_ext, const cpuid_regs *l1, uint32_t family)
{
    uint32_t result = 1;
    if (vendor == VENDOR_INTEL && max_std >= 0xb) {
        cpuid_regs topo = query(0xb, 0);
        uint32_t smt = topo.ebx & 0xffff;
        if (smt != 0) {
            return smt;
        }
    }
    uint32_t logical_per_package = (l1->ebx >> 16) & 0xff;
    if (logical_per_package > 0) {
        if ((vendor == VENDOR_AMD || vendor == VENDOR_HYGON) && family >= 0x17) {
            result = ((ext_leaf(max_ext, 0x8000001e).ebx >> 8) & 0xff) + 1;
        } else {
            uint32_t cores = 1;
            if (vendor == VENDOR_AMD || vendor == VENDOR_HYGON) {
                cores = (ext_leaf(max_ext, 0x80000008).ecx & 0xff) + 1;
            } else if (max_std >= 4) {
                cores = (query(4, 0).eax >> 26) + 1;
            }
            result = logical_per_package / cores;
        }
    }
    return result == 0 ? 1 : result;
}

void determineCPUFeatures(CPUFeatures *f)
{
    cpuid_regs l0 = query(0, 0);
    uint32_t max_std = l0.eax;
    uint32_t max_ext = query(0x80000000, 0).eax;
    if (max_ext < 0x80000000 || max_ext > 0x8000ffff) {
        max_ext = 0;
    }
    enum vendor vendor = vendor_of(&l0);
    int amd_family = vendor == VENDOR_AMD || vendor == VENDOR_HYGON;

    cpuid_regs l1 = std_leaf(max_std, 1, 0);
    cpuid_regs l7 = std_leaf(max_std, 7, 0);
    cpuid_regs l7s1 = l7.eax >= 1 ? std_leaf(max_std, 7, 1) : (cpuid_regs) { 0, 0, 0, 0 };
    cpuid_regs l24 = std_leaf(max_std, 0x24, 0);
    cpuid_regs l29 = std_leaf(max_std, 0x29, 0);
    cpuid_regs e1 = ext_leaf(max_ext, 0x80000001);
    cpuid_regs e7 = ext_leaf(max_ext, 0x80000007);
    uint32_t family = cpu_family(l1.eax);
    uint32_t model = cpu_model(l1.eax);

    /* Register state the OS saves on context switches (XCR0), readable only with OSXSAVE. */
    uint64_t xcr0 = BIT(l1.ecx, 27) ? read_xcr0() : 0;
    int os_sse = (xcr0 >> 1) & 1;
    int os_ymm = (xcr0 >> 2) & 1;
    int os_zmm = ((xcr0 >> 5) & 7) == 7; /* opmask, upper halves of ZMM0-15, ZMM16-31 */
    int os_apx = (xcr0 >> 19) & 1;

    /* Leaf 1 EDX / ECX */
    f->fCX8 = BIT(l1.edx, 8);
    f->fCMOV = BIT(l1.edx, 15);
    f->fFLUSH = BIT(l1.edx, 19);
    f->fFXSR = BIT(l1.edx, 24) || (amd_family && BIT(e1.edx, 24));
    f->fMMX = BIT(l1.edx, 23) || (amd_family && BIT(e1.edx, 23));
    f->fSSE = BIT(l1.edx, 25);
    f->fSSE2 = BIT(l1.edx, 26);
    f->fTSC = BIT(l1.edx, 4);
    f->fSSE3 = BIT(l1.ecx, 0);
    f->fCLMUL = BIT(l1.ecx, 1);
    f->fSSSE3 = BIT(l1.ecx, 9);
    f->fFMA = BIT(l1.ecx, 12);
    f->fSSE4_1 = BIT(l1.ecx, 19);
    f->fSSE4_2 = BIT(l1.ecx, 20);
    f->fPOPCNT = BIT(l1.ecx, 23);
    f->fAES = BIT(l1.ecx, 25);
    f->fHV = BIT(l1.ecx, 31);
    f->fHT = threads_per_core(vendor, max_std, max_ext, &l1, family) > 1;

    /* AVX and everything that needs the YMM/ZMM state */
    if (BIT(l1.ecx, 28) && BIT(l1.ecx, 27) && os_sse && os_ymm) {
        f->fAVX = 1;
        f->fVZEROUPPER = 1;
        f->fF16C = BIT(l1.ecx, 29);
        f->fSHA512 = BIT(l7s1.eax, 0);
        f->fGFNI = BIT(l7.ecx, 8);
        if (BIT(l7.ebx, 5)) {
            f->fAVX2 = 1;
            f->fAVX_IFMA = BIT(l7s1.eax, 23);
        }
        if (BIT(l7.ebx, 16) && os_zmm) {
            f->fAVX512F = 1;
            f->fAVX512DQ = BIT(l7.ebx, 17);
            f->fAVX512_IFMA = BIT(l7.ebx, 21);
            f->fAVX512PF = BIT(l7.ebx, 26);
            f->fAVX512ER = BIT(l7.ebx, 27);
            f->fAVX512CD = BIT(l7.ebx, 28);
            f->fAVX512BW = BIT(l7.ebx, 30);
            f->fAVX512VL = BIT(l7.ebx, 31);
            f->fAVX512_VBMI = BIT(l7.ecx, 1);
            f->fAVX512_VBMI2 = BIT(l7.ecx, 6);
            f->fAVX512_VAES = BIT(l7.ecx, 9);
            f->fAVX512_VPCLMULQDQ = BIT(l7.ecx, 10);
            f->fAVX512_VNNI = BIT(l7.ecx, 11);
            f->fAVX512_BITALG = BIT(l7.ecx, 12);
            f->fAVX512_VPOPCNTDQ = BIT(l7.ecx, 14);
        }
        /* AVX10 (Intel): a converged version >= 1 with 512-bit vectors implies the AVX-512 set. */
        uint32_t avx10_version = l24.ebx & 0xff;
        if (vendor == VENDOR_INTEL && BIT(l7s1.edx, 19) && BIT(l24.ebx, 18) && avx10_version >= 1 && os_zmm) {
            f->fAVX10_1 = 1;
            f->fAVX10_2 = avx10_version >= 2;
            f->fAVX512F = f->fAVX512CD = f->fAVX512DQ = f->fAVX512BW = f->fAVX512VL = 1;
            f->fAVX512_IFMA = f->fAVX512_VBMI = f->fAVX512_VBMI2 = f->fAVX512_VNNI = 1;
            f->fAVX512_BITALG = f->fAVX512_VPOPCNTDQ = f->fAVX512_VAES = f->fAVX512_VPCLMULQDQ = 1;
            f->fAVX512_FP16 = 1;
        }
    }
    /* APX: extended GPRs, their XSAVE state, and the NCI/NDD/NF forms */
    f->fAPX_F = BIT(l7s1.edx, 21) && os_apx && BIT(l29.ebx, 0);

    /* Leaf 7 (structured extended features) outside the vector groups */
    f->fBMI1 = BIT(l7.ebx, 3);
    f->fBMI2 = BIT(l7.ebx, 8);
    f->fERMS = BIT(l7.ebx, 9);
    f->fRTM = BIT(l7.ebx, 11);
    f->fADX = BIT(l7.ebx, 19);
    f->fFLUSHOPT = BIT(l7.ebx, 23);
    f->fCLWB = BIT(l7.ebx, 24) && vendor != VENDOR_ZHAOXIN;
    f->fSHA = BIT(l7.ebx, 29);
    f->fPKU = BIT(l7.ecx, 3);
    f->fOSPKE = BIT(l7.ecx, 4);
    f->fCET_SS = BIT(l7.ecx, 7);
    f->fRDPID = BIT(l7.ecx, 22);
    f->fFSRM = BIT(l7.edx, 4);
    f->fCET_IBT = BIT(l7.edx, 20);
    if (vendor == VENDOR_INTEL) {
        f->fSERIALIZE = BIT(l7.edx, 14);
        if (f->fAVX512F) {
            f->fAVX512_FP16 |= BIT(l7.edx, 23);
        }
    }

    /* Extended leaves */
    f->fLZCNT = BIT(e1.ecx, 5);
    f->fAMD_3DNOW_PREFETCH = BIT(e1.ecx, 8) || (amd_family && BIT(e1.edx, 31));
    f->fSSE4A = amd_family && BIT(e1.ecx, 6);
    f->fRDTSCP = BIT(e1.edx, 27);
    f->fTSCINV_BIT = BIT(e7.edx, 8);

    /*
     * An invariant TSC that is also synchronised across sockets: AMD from family 11h on, and the
     * two-socket Intel server parts known to synchronise it at reset (Nehalem-EP to Ivy Bridge-EP).
     */
    if (f->fTSCINV_BIT) {
        int intel_synched = vendor == VENDOR_INTEL && family == 6 &&
                        (model == 0x1a || model == 0x2c || model == 0x2d || model == 0x3a);
        f->fTSCINV = (amd_family && family != 0x10) || intel_synched;
    }
}

/* Rounded up to whole 64-bit words, like the mask svm stores (see CPUFeatureAccessImpl). */
#define MASK_SIZE ((sizeof(CPUFeatures) + 7) / 8 * 8)

int checkCPUFeatures(const unsigned char *buildtimeCPUFeatureMask)
{
    union {
        CPUFeatures features;
        unsigned char bytes[MASK_SIZE];
    } host;
    memset(&host, 0, sizeof(host));
    determineCPUFeatures(&host.features);
    /* The mask holds ~1 for each required feature and 0xff elsewhere (padding included). */
    for (size_t i = 0; i < MASK_SIZE; i++) {
        if ((unsigned char) (host.bytes[i] | buildtimeCPUFeatureMask[i]) != 0xff) {
            return -1;
        }
    }
    return 0;
}

int checkCPUFeaturesOrExit(const unsigned char *buildtimeCPUFeatureMask, const char *errorMessage)
{
    int result = checkCPUFeatures(buildtimeCPUFeatureMask);
    if (result != 0) {
        fprintf(stderr, "%s\n", errorMessage);
        exit(1);
    }
    return result;
}
