/* A shared library that is not a program: no packed entry points. */
int snnc_test_not_a_program(void) { return 0; }
