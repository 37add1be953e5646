/*
 * netknife: the locale helper of Substrate VM's libchelper.
 *
 * svm's Java side (com.oracle.svm.core.c.locale.LocaleCHelper) reads the svm_locale_props_t
 * fields by name and the two result constants through @CConstant, so the image builder compiles
 * this header at build time: it is found as <-H:CLibraryPath entry>/include/svm_locale.h.
 *
 * The values follow what OpenJDK's java_props_md.c puts into user.language/script/country/variant
 * (display: LC_MESSAGES) and user.language.format etc. (format: LC_CTYPE).  A field is NULL when
 * the locale has no such part.  The encodings are not here: svm takes native.encoding and
 * sun.jnu.encoding from the image build.
 */
#ifndef NETKNIFE_SVM_LOCALE_H
#define NETKNIFE_SVM_LOCALE_H

#define SVM_LOCALE_INITIALIZATION_SUCCEEDED 0
#define SVM_LOCALE_INITIALIZATION_OUT_OF_MEMORY 1

typedef struct {
    char *display_language;
    char *display_script;
    char *display_country;
    char *display_variant;
    char *format_language;
    char *format_script;
    char *format_country;
    char *format_variant;
} svm_locale_props_t;

/* Sets LC_CTYPE and LC_MESSAGES from the environment (as setlocale(LC_ALL, "") would) and parses them; returns one of the constants above. */
int svm_initialize_locale(void);

/* The record svm_initialize_locale filled; it lives as long as the process. */
svm_locale_props_t *svm_get_locale(void);

#endif
