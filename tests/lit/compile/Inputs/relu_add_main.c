/* Driver for run-c.onnxtxt: the generated header is given with -include. */
#include <stdio.h>

int main(void)
{
	static const int64_t shape[] = RELU_ADD_INPUT_0_SHAPE;
	const float x[2][3] = { { -1, 2, -3 }, { 4, -5, 6 } };
	float y[2][3];
	int st = relu_add_run(x, y);

	printf("status %d\nshape %dx%d\n", st, (int)shape[0], (int)shape[1]);
	for (int i = 0; i < 6; i++)
		printf("%g%s", y[i / 3][i % 3], i < 5 ? " " : "\n");
	return st;
}
