/*
 * netknife: the CPU feature record of Substrate VM's libchelper on amd64.
 *
 * svm's Java side (com.oracle.svm.core.amd64.AMD64LibCHelper.CPUFeatures, a @CStruct without a
 * name, hence this typedef name) reads one byte-sized flag per JVMCI AMD64.CPUFeature, named
 * "f" + the enum constant's name.  The image builder compiles this header at build time to learn
 * the offsets, so it is found as <-H:CLibraryPath entry>/include/amd64cpufeatures.h.  Every field
 * the Java interface declares must exist here and be one byte wide; the order is free (it follows
 * the JVMCI enum of JDK 25).  A flag is 1 when the CPU (and, for register state, the OS) supports
 * the feature, else 0.
 */
#ifndef NETKNIFE_AMD64CPUFEATURES_H
#define NETKNIFE_AMD64CPUFEATURES_H

typedef struct {
    unsigned char fCX8;
    unsigned char fCMOV;
    unsigned char fFXSR;
    unsigned char fHT;
    unsigned char fMMX;
    unsigned char fAMD_3DNOW_PREFETCH;
    unsigned char fSSE;
    unsigned char fSSE2;
    unsigned char fSSE3;
    unsigned char fSSSE3;
    unsigned char fSSE4A;
    unsigned char fSSE4_1;
    unsigned char fSSE4_2;
    unsigned char fPOPCNT;
    unsigned char fLZCNT;
    unsigned char fTSC;
    unsigned char fTSCINV;
    unsigned char fTSCINV_BIT;
    unsigned char fAVX;
    unsigned char fAVX2;
    unsigned char fAES;
    unsigned char fERMS;
    unsigned char fCLMUL;
    unsigned char fBMI1;
    unsigned char fBMI2;
    unsigned char fRTM;
    unsigned char fADX;
    unsigned char fAVX512F;
    unsigned char fAVX512DQ;
    unsigned char fAVX512PF;
    unsigned char fAVX512ER;
    unsigned char fAVX512CD;
    unsigned char fAVX512BW;
    unsigned char fAVX512VL;
    unsigned char fSHA;
    unsigned char fFMA;
    unsigned char fVZEROUPPER;
    unsigned char fAVX512_VPOPCNTDQ;
    unsigned char fAVX512_VPCLMULQDQ;
    unsigned char fAVX512_VAES;
    unsigned char fAVX512_VNNI;
    unsigned char fFLUSH;
    unsigned char fFLUSHOPT;
    unsigned char fCLWB;
    unsigned char fAVX512_VBMI2;
    unsigned char fAVX512_VBMI;
    unsigned char fHV;
    unsigned char fSERIALIZE;
    unsigned char fRDTSCP;
    unsigned char fRDPID;
    unsigned char fFSRM;
    unsigned char fGFNI;
    unsigned char fAVX512_BITALG;
    unsigned char fF16C;
    unsigned char fPKU;
    unsigned char fOSPKE;
    unsigned char fCET_IBT;
    unsigned char fCET_SS;
    unsigned char fAVX512_IFMA;
    unsigned char fAVX_IFMA;
    unsigned char fAPX_F;
    unsigned char fSHA512;
    unsigned char fAVX512_FP16;
    unsigned char fAVX10_1;
    unsigned char fAVX10_2;
} CPUFeatures;

/* Fills *features (which the caller zeroed) from CPUID and XGETBV. */
void determineCPUFeatures(CPUFeatures *features);

/*
 * buildtimeCPUFeatureMask is the bitwise complement of a CPUFeatures record of the features the
 * image was compiled for, padded with 0xff bytes to a multiple of 8 bytes.  Returns 0 when this
 * CPU has all of them, -1 otherwise.
 */
int checkCPUFeatures(const unsigned char *buildtimeCPUFeatureMask);

/* As checkCPUFeatures, but prints errorMessage to stderr and exits with status 1 on a mismatch. */
int checkCPUFeaturesOrExit(const unsigned char *buildtimeCPUFeatureMask, const char *errorMessage);

#endif
