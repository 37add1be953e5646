/*
 * netknife: the AArch64 CPU feature record svm's Java side declares
 * (com.oracle.svm.core.aarch64.AArch64LibCHelper.CPUFeatures).  The image builder processes the
 * C interface of every architecture, so it needs this header even for an amd64 image: it is found
 * as <-H:CLibraryPath entry>/include/aarch64cpufeatures.h.  Our libchelper implements the amd64
 * detection only; on AArch64 this record would be filled from getauxval(AT_HWCAP).
 */
#ifndef NETKNIFE_AARCH64CPUFEATURES_H
#define NETKNIFE_AARCH64CPUFEATURES_H

typedef struct {
    unsigned char fFP;
    unsigned char fASIMD;
    unsigned char fEVTSTRM;
    unsigned char fAES;
    unsigned char fPMULL;
    unsigned char fSHA1;
    unsigned char fSHA2;
    unsigned char fCRC32;
    unsigned char fLSE;
    unsigned char fDCPOP;
    unsigned char fSHA3;
    unsigned char fSHA512;
    unsigned char fSVE;
    unsigned char fSVE2;
    unsigned char fSTXR_PREFETCH;
    unsigned char fA53MAC;
    unsigned char fDMB_ATOMICS;
    unsigned char fPACA;
    unsigned char fSVEBITPERM;
    unsigned char fFPHP;
    unsigned char fASIMDHP;
} CPUFeatures;

#endif
