/*
 * netknife: the locale helper of Substrate VM's libchelper (see include/svm_locale.h).
 *
 * Turns the POSIX locale names of LC_CTYPE and LC_MESSAGES into Java's user.language, .script,
 * .country and .variant the way OpenJDK's java_props_md.c does on Linux: "C" and "POSIX" mean
 * en_US; a name is language[_COUNTRY][.codeset][@modifier]; a bare language gets its usual country;
 * a few obsolete language codes are renamed; the modifier selects a script or variant when it is
 * one Java knows and is otherwise dropped.  The tables below are our own short list of the common
 * cases (OpenJDK's locale_str.h has more aliases, mostly for old Solaris and HP-UX names).
 */
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "svm_locale.h"

struct pair {
    const char *from;
    const char *to;
};

/* A language alone stands for the locale most people mean by it. */
static const struct pair language_alone[] = {
    { "ar", "ar_EG" }, { "be", "be_BY" }, { "bg", "bg_BG" }, { "bs", "bs_BA" }, { "ca", "ca_ES" },
    { "cs", "cs_CZ" }, { "cz", "cs_CZ" }, { "da", "da_DK" }, { "de", "de_DE" }, { "el", "el_GR" },
    { "en", "en_US" }, { "es", "es_ES" }, { "et", "et_EE" }, { "eu", "eu_ES" }, { "fa", "fa_IR" },
    { "fi", "fi_FI" }, { "fr", "fr_FR" }, { "ga", "ga_IE" }, { "gl", "gl_ES" }, { "he", "he_IL" },
    { "hi", "hi_IN" }, { "hr", "hr_HR" }, { "hu", "hu_HU" }, { "id", "id_ID" }, { "is", "is_IS" },
    { "it", "it_IT" }, { "iw", "he_IL" }, { "ja", "ja_JP" }, { "kk", "kk_KZ" }, { "ko", "ko_KR" },
    { "lt", "lt_LT" }, { "lv", "lv_LV" }, { "mk", "mk_MK" }, { "ms", "ms_MY" }, { "nb", "nb_NO" },
    { "nl", "nl_NL" }, { "nn", "nn_NO" }, { "no", "no_NO" }, { "pl", "pl_PL" }, { "pt", "pt_PT" },
    { "ro", "ro_RO" }, { "ru", "ru_RU" }, { "sk", "sk_SK" }, { "sl", "sl_SI" }, { "sq", "sq_AL" },
    { "sr", "sr_RS" }, { "sv", "sv_SE" }, { "th", "th_TH" }, { "tr", "tr_TR" }, { "uk", "uk_UA" },
    { "vi", "vi_VN" }, { "zh", "zh_CN" },
};

/* Obsolete or non-ISO language codes some systems still use. */
static const struct pair language_renamed[] = {
    { "C", "en" }, { "POSIX", "en" }, { "cz", "cs" }, { "sh", "sr" }, { "su", "fi" }, { "ua", "uk" },
};

/* glibc modifiers that name a script or a variant Java knows; others ("euro", ...) are dropped. */
static const struct pair modifier_script[] = {
    { "cyrillic", "Cyrl" }, { "Cyrl", "Cyrl" }, { "devanagari", "Deva" }, { "iqtelif", "Latn" },
    { "latin", "Latn" }, { "Latn", "Latn" },
};
static const struct pair modifier_variant[] = {
    { "nynorsk", "NY" },
};

#define COUNT(table) (sizeof(table) / sizeof((table)[0]))

static const char *lookup(const struct pair *table, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(table[i].from, key) == 0) {
            return table[i].to;
        }
    }
    return NULL;
}

/* strdup of a part, NULL for an absent part; *oom is set when memory runs out. */
static char *copy_part(const char *s, int *oom)
{
    if (s == NULL) {
        return NULL;
    }
    char *copy = strdup(s);
    if (copy == NULL) {
        *oom = 1;
    }
    return copy;
}

/*
 * Parses one locale name into its Java parts (each newly allocated or NULL).  Returns 0, or -1
 * when memory ran out.  Not static: the self-test feeds it names that are not installed here.
 */
int netknife_locale_parse(const char *name, char **language, char **script, char **country, char **variant)
{
    *language = *script = *country = *variant = NULL;
    if (name == NULL || strcmp(name, "C") == 0 || strcmp(name, "POSIX") == 0) {
        name = "en_US";
    }

    char base[128];
    char modifier[64] = "";
    /* base = language[_COUNTRY]; the codeset is ignored, the modifier kept. */
    size_t base_len = strcspn(name, ".@");
    if (base_len >= sizeof(base)) {
        base_len = sizeof(base) - 1;
    }
    memcpy(base, name, base_len);
    base[base_len] = '\0';
    const char *at = strchr(name, '@');
    if (at != NULL) {
        size_t mod_len = strcspn(at + 1, ".");
        if (mod_len >= sizeof(modifier)) {
            mod_len = sizeof(modifier) - 1;
        }
        memcpy(modifier, at + 1, mod_len);
        modifier[mod_len] = '\0';
    }

    const char *alias = lookup(language_alone, COUNT(language_alone), base);
    if (alias != NULL) {
        strcpy(base, alias);
    }

    char *country_part = strchr(base, '_');
    if (country_part != NULL) {
        *country_part++ = '\0';
    }
    const char *lang = base;
    const char *renamed = lookup(language_renamed, COUNT(language_renamed), lang);
    if (renamed != NULL) {
        lang = renamed;
    }
    if (*lang == '\0') {
        lang = "en";
    }

    int oom = 0;
    *language = copy_part(lang, &oom);
    *country = copy_part(country_part != NULL && *country_part != '\0' ? country_part : NULL, &oom);
    if (modifier[0] != '\0') {
        *script = copy_part(lookup(modifier_script, COUNT(modifier_script), modifier), &oom);
        *variant = copy_part(lookup(modifier_variant, COUNT(modifier_variant), modifier), &oom);
    }
    if (oom) {
        free(*language);
        free(*script);
        free(*country);
        free(*variant);
        *language = *script = *country = *variant = NULL;
        return -1;
    }
    return 0;
}

static svm_locale_props_t props;

int svm_initialize_locale(void)
{
    /*
     * OpenJDK calls setlocale(LC_ALL, "") here. Only LC_CTYPE (the native encoding) and LC_MESSAGES (the
     * language) are read, and nothing in nk formats through the C library, so only those two are set:
     * glibc loads one file per category, and the other eleven cost ~40 system calls at every start.
     * As with LC_ALL, a locale that is not installed leaves both at "C".
     */
    if (setlocale(LC_CTYPE, "") == NULL || setlocale(LC_MESSAGES, "") == NULL) {
        setlocale(LC_CTYPE, "C");
        setlocale(LC_MESSAGES, "C");
    }
    if (netknife_locale_parse(setlocale(LC_CTYPE, NULL), &props.format_language, &props.format_script,
                    &props.format_country, &props.format_variant) != 0) {
        return SVM_LOCALE_INITIALIZATION_OUT_OF_MEMORY;
    }
    if (netknife_locale_parse(setlocale(LC_MESSAGES, NULL), &props.display_language, &props.display_script,
                    &props.display_country, &props.display_variant) != 0) {
        return SVM_LOCALE_INITIALIZATION_OUT_OF_MEMORY;
    }
    return SVM_LOCALE_INITIALIZATION_SUCCEEDED;
}

svm_locale_props_t *svm_get_locale(void)
{
    return &props;
}
