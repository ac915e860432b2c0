/*
 * wxpay._speedups: the optional accelerator of Signer.sign and wxpay.sign.
 *
 * It does what the pure-Python path does before its ctypes call, joining a
 * dict's names and its values into two NUL-separated UTF-8 lists, and then
 * calls the same C function, wxpay_signer_sign_split, through the address the
 * ctypes loader hands over (bind()). So there is one libwxpay in the process,
 * no link-time dependency on it, and no signing logic here: the library sees
 * byte for byte what the ctypes path would pass it.
 *
 * Only the regular case is handled: an exact dict whose names and values are
 * exact str objects without lone surrogates. For anything else sign_split()
 * returns None and the caller takes the ctypes path, which raises the one
 * error every path reports. A failure of the library is returned as its
 * result code, for the caller to raise exactly as the ctypes path does.
 *
 * The GIL is held while the dict is read (so it cannot change, and no Python
 * code runs: no callbacks) and released only around the library call, which
 * reads this module's own copies of the bytes.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>
#include <string.h>

#ifdef Py_GIL_DISABLED
/* PyDict_Next without a critical section is not safe without the GIL; setup.py skips this build. */
#error "wxpay._speedups does not support the free-threaded build"
#endif

/* WXPAY_SIGN_BUF_LEN of include/wxpay.h; bind() receives the wrapper's value and refuses another. */
#define SIGN_BUF_LEN 65

/* The text of a typical unified order fits on the stack; larger inputs go to the heap. */
#define INLINE_CAP 1024

typedef int32_t (*sign_split_fn)(const void *signer, const char *names, size_t names_len, const char *values,
                                 size_t values_len, size_t count, char *out_sign, size_t out_sign_cap);

static sign_split_fn bound_sign_split = NULL;

/* A growable byte buffer that starts in its own inline storage. */
typedef struct {
    char *data;
    size_t len;
    size_t cap;
    char inline_data[INLINE_CAP];
} buffer;

static void buffer_init(buffer *b) {
    b->data = b->inline_data;
    b->len = 0;
    b->cap = INLINE_CAP;
}

static void buffer_release(buffer *b) {
    if (b->data != b->inline_data) {
        PyMem_Free(b->data);
    }
}

/* Makes room for `more` bytes; 0 on success, -1 when the size overflows or memory runs out (no exception set). */
static int buffer_reserve(buffer *b, size_t more) {
    if (more <= b->cap - b->len) {
        return 0;
    }
    if (more > (size_t)PY_SSIZE_T_MAX - b->len) {
        return -1;
    }
    size_t want = b->len + more;
    size_t cap = b->cap;
    while (cap < want) {
        cap = cap > (size_t)PY_SSIZE_T_MAX / 2 ? want : cap * 2;
    }
    char *data;
    if (b->data == b->inline_data) {
        data = PyMem_Malloc(cap);
        if (data != NULL) {
            memcpy(data, b->inline_data, b->len);
        }
    } else {
        data = PyMem_Realloc(b->data, cap);
    }
    if (data == NULL) {
        return -1;
    }
    b->data = data;
    b->cap = cap;
    return 0;
}

/*
 * Appends the UTF-8 encoding of an exact, ready str. 0 on success, -1 on a
 * lone surrogate (not encodable) or when memory runs out; nothing is raised.
 * The str is only read: unlike PyUnicode_AsUTF8AndSize, this caches no UTF-8
 * copy on the caller's object.
 */
static int append_utf8(buffer *b, PyObject *text) {
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    const void *data = PyUnicode_DATA(text);
    if (PyUnicode_IS_ASCII(text)) {
        if (buffer_reserve(b, (size_t)length) < 0) {
            return -1;
        }
        memcpy(b->data + b->len, data, (size_t)length);
        b->len += (size_t)length;
        return 0;
    }
    int kind = PyUnicode_KIND(text);
    /* The most bytes one code point of this kind can take: 2 for Latin-1, 3 for UCS-2, 4 for UCS-4. */
    size_t widest = kind == PyUnicode_1BYTE_KIND ? 2 : kind == PyUnicode_2BYTE_KIND ? 3 : 4;
    if ((size_t)length > (size_t)PY_SSIZE_T_MAX / widest || buffer_reserve(b, (size_t)length * widest) < 0) {
        return -1;
    }
    unsigned char *out = (unsigned char *)b->data + b->len;
    for (Py_ssize_t i = 0; i < length; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c < 0x80) {
            *out++ = (unsigned char)c;
        } else if (c < 0x800) {
            *out++ = (unsigned char)(0xC0 | (c >> 6));
            *out++ = (unsigned char)(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            if (c >= 0xD800 && c <= 0xDFFF) {
                return -1;
            }
            *out++ = (unsigned char)(0xE0 | (c >> 12));
            *out++ = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
            *out++ = (unsigned char)(0x80 | (c & 0x3F));
        } else {
            *out++ = (unsigned char)(0xF0 | (c >> 18));
            *out++ = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
            *out++ = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
            *out++ = (unsigned char)(0x80 | (c & 0x3F));
        }
    }
    b->len = (size_t)((char *)out - b->data);
    return 0;
}

static int is_regular_str(PyObject *text) {
#if PY_VERSION_HEX < 0x030C0000
    /* A legacy (not ready) string would have to be converted in place: leave it to the ctypes path. */
    if (!PyUnicode_IS_READY(text)) {
        return 0;
    }
#endif
    return PyUnicode_CheckExact(text);
}

/* Appends one item to a NUL-separated list. */
static int append_item(buffer *b, PyObject *text, int first) {
    if (!first) {
        if (buffer_reserve(b, 1) < 0) {
            return -1;
        }
        b->data[b->len++] = '\0';
    }
    return append_utf8(b, text);
}

PyDoc_STRVAR(bind_doc,
             "bind(sign_split_address, sign_buf_len, /)\n--\n\n"
             "Sets the address of wxpay_signer_sign_split in the loaded library (once; the same address again is\n"
             "accepted). sign_buf_len must be the WXPAY_SIGN_BUF_LEN the wrapper was built for.");

static PyObject *speedups_bind(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "bind() takes the function address and the signature buffer length");
        return NULL;
    }
    void *address = PyLong_AsVoidPtr(args[0]);
    if (address == NULL) {
        if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_ValueError, "bind(): NULL function address");
        }
        return NULL;
    }
    Py_ssize_t buf_len = PyLong_AsSsize_t(args[1]);
    if (buf_len == -1 && PyErr_Occurred()) {
        return NULL;
    }
    if (buf_len != SIGN_BUF_LEN) {
        PyErr_Format(PyExc_ValueError, "bind(): the signature buffer is %d bytes here, not %zd", SIGN_BUF_LEN,
                     buf_len);
        return NULL;
    }
    sign_split_fn fn = (sign_split_fn)(uintptr_t)address;
    if (bound_sign_split != NULL && bound_sign_split != fn) {
        PyErr_SetString(PyExc_RuntimeError, "bind(): already bound to another library");
        return NULL;
    }
    bound_sign_split = fn;
    Py_RETURN_NONE;
}

PyDoc_STRVAR(sign_split_doc,
             "sign_split(signer_address, fields, /)\n--\n\n"
             "Signs an exact dict of exact str with wxpay_signer_sign_split on the signer at signer_address.\n"
             "Returns the signature (str), the library's result code (int) when it refuses the fields, or None\n"
             "when the fields are not a regular dict of str (the caller then takes the ctypes path). The caller\n"
             "keeps the signer alive for the duration of the call.");

static PyObject *speedups_sign_split(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "sign_split() takes a signer address and the fields");
        return NULL;
    }
    sign_split_fn fn = bound_sign_split;
    if (fn == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "sign_split(): bind() was not called");
        return NULL;
    }
    void *signer = PyLong_AsVoidPtr(args[0]);
    if (signer == NULL) {
        if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_ValueError, "sign_split(): NULL signer");
        }
        return NULL;
    }
    PyObject *fields = args[1];
    if (!PyDict_CheckExact(fields)) {
        Py_RETURN_NONE;
    }

    buffer names, values;
    buffer_init(&names);
    buffer_init(&values);
    Py_ssize_t pos = 0;
    PyObject *name, *value;
    int first = 1;
    int regular = 1;
    /* Borrowed references: with the GIL held and no Python code running, the dict and its items stay put. */
    while (PyDict_Next(fields, &pos, &name, &value)) {
        if (!is_regular_str(name) || !is_regular_str(value) || append_item(&names, name, first) < 0 ||
            append_item(&values, value, first) < 0) {
            regular = 0;
            break;
        }
        first = 0;
    }
    size_t count = (size_t)PyDict_GET_SIZE(fields);

    PyObject *result;
    if (!regular) {
        result = Py_None;
        Py_INCREF(result);
    } else {
        char out[SIGN_BUF_LEN];
        int32_t rc;
        Py_BEGIN_ALLOW_THREADS
        rc = fn(signer, names.data, names.len, values.data, values.len, count, out, sizeof out);
        Py_END_ALLOW_THREADS
        if (rc != 0) {
            result = PyLong_FromLong((long)rc);
        } else {
            /* As ctypes' .value of the output buffer: up to the NUL, at most the whole buffer. */
            const char *end = memchr(out, '\0', sizeof out);
            result = PyUnicode_DecodeUTF8(out, end ? end - out : (Py_ssize_t)sizeof out, NULL);
        }
    }
    buffer_release(&names);
    buffer_release(&values);
    return result;
}

static PyMethodDef speedups_methods[] = {
    {"bind", (PyCFunction)(void (*)(void))speedups_bind, METH_FASTCALL, bind_doc},
    {"sign_split", (PyCFunction)(void (*)(void))speedups_sign_split, METH_FASTCALL, sign_split_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef speedups_module = {
    PyModuleDef_HEAD_INIT,
    "wxpay._speedups",
    "Optional C accelerator of wxpay.sign and Signer.sign (see the README, \"Optional accelerator\").",
    -1,
    speedups_methods,
    NULL,
    NULL,
    NULL,
    NULL,
};

PyMODINIT_FUNC PyInit__speedups(void) {
    PyObject *module = PyModule_Create(&speedups_module);
    if (module == NULL) {
        return NULL;
    }
    if (PyModule_AddIntConstant(module, "SIGN_BUF_LEN", SIGN_BUF_LEN) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
