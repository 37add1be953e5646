/*
 * netknife: Substrate VM's container library (com.oracle.svm.core.container.ContainerLibrary),
 * linked as libsvm_container.a when the image is built with -H:+UseContainerSupport (the default).
 *
 * Values follow HotSpot's OSContainer on Linux: a limit of -1 means "unlimited", -2 means the value
 * could not be read.  Memory limits at or above the host's physical memory count as unlimited.
 */
#ifndef NETKNIFE_SVM_CONTAINER_H
#define NETKNIFE_SVM_CONTAINER_H

#include <stddef.h>

/* The interface version this library implements; ContainerLibrary.VERSION must be equal. */
#define SVM_CONTAINER_VERSION 240100

/* Results of svm_container_initialize (ContainerLibrary.SUCCESS_* / ERROR_*). */
#define SVM_CONTAINER_SUCCESS_IS_NOT_CONTAINERIZED 0
#define SVM_CONTAINER_SUCCESS_IS_CONTAINERIZED 1
#define SVM_CONTAINER_ERROR_LIBCONTAINER_TOO_OLD 2
#define SVM_CONTAINER_ERROR_LIBCONTAINER_TOO_NEW 3

#define SVM_CONTAINER_UNLIMITED (-1L)
#define SVM_CONTAINER_ERROR (-2L)

int svm_container_initialize(int version);
size_t svm_container_physical_memory(void);
long svm_container_memory_limit_in_bytes(void);
long svm_container_memory_and_swap_limit_in_bytes(void);
long svm_container_memory_soft_limit_in_bytes(void);
long svm_container_memory_usage_in_bytes(void);
long svm_container_memory_max_usage_in_bytes(void);
long svm_container_rss_usage_in_bytes(void);
long svm_container_cache_usage_in_bytes(void);
int svm_container_active_processor_count(void);

#endif
