/*
 * netknife: the RISC-V CPU feature record svm's Java side declares
 * (com.oracle.svm.core.riscv64.RISCV64LibCHelper.CPUFeatures).  The image builder processes the
 * C interface of every architecture, so it needs this header even for an amd64 image: it is found
 * as <-H:CLibraryPath entry>/include/riscv64cpufeatures.h.  Our libchelper implements the amd64
 * detection only.
 */
#ifndef NETKNIFE_RISCV64CPUFEATURES_H
#define NETKNIFE_RISCV64CPUFEATURES_H

typedef struct {
    unsigned char fI;
    unsigned char fM;
    unsigned char fA;
    unsigned char fF;
    unsigned char fD;
    unsigned char fC;
    unsigned char fV;
} CPUFeatures;

#endif
