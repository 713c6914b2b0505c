/* PLACEHOLDER: the driver is being written. */
#include <stdio.h>

int main(void)
{
	fprintf(stderr, "tcc-opt: not built yet\n");
	return 1;
}
