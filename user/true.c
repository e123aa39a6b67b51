/* true: do nothing, successfully (the trivial program fork+exec measures). */
int main(void) { return 0; }
