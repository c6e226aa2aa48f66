{
  "targets": [
    {
      "target_name": "qfc_fs",
      "sources": ["qfc_fs.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-Wall", "-Wextra", "-Werror", "-O2", "-fstack-protector-strong", "-D_FORTIFY_SOURCE=2"]
    }
  ]
}
