/* tests/fuzz/verdict.c — prints, for each module file given, "FILE CODE MESSAGE": the result of
 * wasm_module_load (0 when valid). Used by tests/fuzz/diff_validate.py to compare the engine's
 * verdicts with wabt's wasm-validate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/wasm.h"

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            printf("%s -1 cannot open\n", argv[i]);
            continue;
        }
        fseek(f, 0, SEEK_END);
        long n = ftell(f);
        fseek(f, 0, SEEK_SET);
        uint8_t *bytes = malloc(n > 0 ? (size_t)n : 1);
        if (!bytes || fread(bytes, 1, (size_t)n, f) != (size_t)n) {
            printf("%s -1 cannot read\n", argv[i]);
            fclose(f);
            free(bytes);
            continue;
        }
        fclose(f);
        wasm_module *m = NULL;
        struct wasm_error err;
        memset(&err, 0, sizeof(err));
        int rc = wasm_module_load(bytes, (size_t)n, NULL, &m, &err);
        if (rc == WASM_OK)
            wasm_module_free(m);
        printf("%s %d %s\n", argv[i], rc, rc == WASM_OK ? "" : err.message);
        free(bytes);
    }
    return 0;
}
