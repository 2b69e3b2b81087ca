"""Names the method rules allow (frozen, so a rule never changes with the torch installed).

Generated once from torch 2.13 (``dir(torch) & dir(torch.Tensor)``: the tensor operations, plus the
creation and combination functions), then read by hand: nothing that runs a recurrent kernel
(rnn/lstm/gru), loads or saves, registers hooks or touches storage. A test keeps every name real.
"""


# torch.<name>: tensor operations, creation, dtypes and value types.
TORCH_FUNCTIONS = frozenset("""
    Generator Size Tensor abs abs_ absolute acos acos_ acosh acosh_ add addbmm addcdiv addcmul addmm addmv
    addmv_ addr adjoint all allclose amax amin aminmax angle any arange arccos arccos_ arccosh arccosh_ arcsin
    arcsin_ arcsinh arcsinh_ arctan arctan2 arctan_ arctanh arctanh_ argmax argmin argsort argwhere as_strided
    as_strided_ as_strided_scatter as_tensor asarray asin asin_ asinh asinh_ atan atan2 atan_ atanh atanh_
    atleast_1d atleast_2d atleast_3d baddbmm bernoulli bfloat16 bincount bitwise_and bitwise_left_shift
    bitwise_not bitwise_or bitwise_right_shift bitwise_xor block_diag bmm bool broadcast_shapes
    broadcast_tensors broadcast_to cartesian_prod cat cdist cdouble ceil ceil_ cfloat chalf cholesky
    cholesky_inverse cholesky_solve chunk clamp clamp_ clamp_max clamp_max_ clamp_min clamp_min_ clip clip_
    clone column_stack complex128 complex64 concat concatenate conj conj_physical conj_physical_ copysign
    corrcoef cos cos_ cosh cosh_ cosine_similarity count_nonzero cov cpu cross cummax cummin cumprod cumsum
    deg2rad deg2rad_ det detach detach_ device diag diag_embed diagflat diagonal diagonal_scatter diff digamma
    dist div divide dot double dsplit dstack dtype e eig einsum empty empty_like enable_grad eq equal erf erf_
    erfc erfc_ erfinv exp exp2 exp2_ exp_ expm1 expm1_ eye fill_ finfo fix fix_ flatten flip fliplr float
    float16 float32 float64 float_power floor floor_ floor_divide fmax fmin fmod frac frac_ frexp full
    full_like gather gcd gcd_ ge geqrf ger get_default_dtype get_device greater greater_equal gt half
    hardshrink hash_tensor heaviside histc histogram hsplit hstack hypot i0 i0_ igamma igammac iinfo imag
    index_add index_copy index_fill index_put index_put_ index_reduce index_select inf inference_mode inner
    int int16 int32 int64 int8 int_repr inverse is_complex is_conj is_distributed is_floating_point
    is_grad_enabled is_inference is_neg is_nonzero is_same_size is_signed is_tensor isclose isfinite isinf
    isnan isneginf isposinf isreal istft kron kthvalue layout lcm lcm_ ldexp ldexp_ le lerp less less_equal
    lgamma linspace log log10 log10_ log1p log1p_ log2 log2_ log_ log_softmax logaddexp logaddexp2
    logcumsumexp logdet logical_and logical_not logical_or logical_xor logit logit_ logspace logsumexp long
    lstsq lt lu lu_solve manual_seed masked_fill masked_scatter masked_select matmul matrix_exp matrix_power
    max maximum mean median meshgrid min minimum mm mode moveaxis movedim msort mul multinomial multiply mv
    mvlgamma nan nan_to_num nan_to_num_ nanmean nanmedian nanquantile nansum narrow narrow_copy ne neg neg_
    negative negative_ nextafter no_grad nonzero nonzero_static norm not_equal numel ones ones_like orgqr
    ormqr outer pairwise_distance permute pi pinverse polygamma positive pow prelu prod promote_types put
    q_per_channel_axis q_per_channel_scales q_per_channel_zero_points q_scale q_zero_point qr qscheme quantile
    rad2deg rad2deg_ rand rand_like randint randint_like randn randn_like randperm ravel real reciprocal
    reciprocal_ relu relu_ remainder renorm repeat_interleave reshape resolve_conj resolve_neg result_type
    roll rot90 round round_ rsqrt rsqrt_ scalar_tensor scatter scatter_add scatter_reduce select
    select_scatter set_grad_enabled sgn short sigmoid sigmoid_ sign signbit sin sin_ sinc sinc_ sinh sinh_
    slice_inverse slice_scatter slogdet softmax solve sort split split_with_sizes sqrt sqrt_ square square_
    squeeze stack std stft sub subtract sum svd swapaxes swapdims symeig t take take_along_dim tan tan_ tanh
    tanh_ tensor tensor_split tensordot tile topk trace transpose triangular_solve tril tril_indices triu
    triu_indices true_divide trunc trunc_ uint8 unbind unflatten unique unique_consecutive unsafe_chunk
    unsafe_split unsafe_split_with_sizes unsqueeze var vdot vsplit vstack where xlogy xlogy_ zero_ zeros
    zeros_like
""".split())


# torch.nn.functional.<name>: none of them is recurrent.
FUNCTIONAL = frozenset("""
    adaptive_avg_pool1d adaptive_avg_pool2d adaptive_avg_pool3d adaptive_max_pool1d
    adaptive_max_pool1d_with_indices adaptive_max_pool2d adaptive_max_pool2d_with_indices adaptive_max_pool3d
    adaptive_max_pool3d_with_indices affine_grid alpha_dropout avg_pool1d avg_pool2d avg_pool3d batch_norm
    bilinear binary_cross_entropy binary_cross_entropy_with_logits celu celu_ channel_shuffle conv1d conv2d
    conv3d conv_tbc conv_transpose1d conv_transpose2d conv_transpose3d cosine_embedding_loss cosine_similarity
    cross_entropy ctc_loss dropout dropout1d dropout2d dropout3d elu elu_ embedding embedding_bag
    feature_alpha_dropout fold fractional_max_pool2d fractional_max_pool2d_with_indices fractional_max_pool3d
    fractional_max_pool3d_with_indices gaussian_nll_loss gelu glu grid_sample group_norm grouped_mm
    gumbel_softmax hardshrink hardsigmoid hardswish hardtanh hardtanh_ hinge_embedding_loss huber_loss
    instance_norm interpolate kl_div l1_loss layer_norm leaky_relu leaky_relu_ linear linear_cross_entropy
    local_response_norm log_softmax logsigmoid lp_pool1d lp_pool2d lp_pool3d margin_ranking_loss max_pool1d
    max_pool1d_with_indices max_pool2d max_pool2d_with_indices max_pool3d max_pool3d_with_indices max_unpool1d
    max_unpool2d max_unpool3d mish mse_loss multi_margin_loss multilabel_margin_loss
    multilabel_soft_margin_loss native_channel_shuffle nll_loss normalize one_hot pad pairwise_distance pdist
    pixel_shuffle pixel_unshuffle poisson_nll_loss prelu relu relu6 relu_ rms_norm rrelu rrelu_
    scaled_dot_product_attention scaled_grouped_mm scaled_mm selu selu_ sigmoid silu smooth_l1_loss
    soft_margin_loss softmax softmin softplus softshrink softsign tanh tanhshrink threshold threshold_
    triplet_margin_loss triplet_margin_with_distance_loss unfold upsample upsample_bilinear upsample_nearest
""".split())


# Attributes allowed on values (tensors, Python containers, sizes, PackedSequence, numpy arrays).
OBJECT_ATTRIBUTES = frozenset("""
    H T abbr abs abs_ absolute absolute_ acos acos_ acosh acosh_ add add_ addbmm addbmm_ addcdiv addcdiv_
    addcmul addcmul_ addmm addmm_ addmv addmv_ addr addr_ adjoint all allclose amax amin aminmax angle any
    append arccos arccos_ arccosh arccosh_ arcsin arcsin_ arcsinh arcsinh_ arctan arctan2 arctan2_ arctan_
    arctanh arctanh_ argmax argmin argpartition argsort argwhere as_integer_ratio as_strided as_strided_
    as_strided_scatter as_subclass asin asin_ asinh asinh_ astype atan atan2 atan2_ atan_ atanh atanh_
    backward baddbmm baddbmm_ base batch_sizes bernoulli bernoulli_ bfloat16 bincount bit_count bit_length
    bitwise_and bitwise_and_ bitwise_left_shift bitwise_left_shift_ bitwise_not bitwise_not_ bitwise_or
    bitwise_or_ bitwise_right_shift bitwise_right_shift_ bitwise_xor bitwise_xor_ bmm bool broadcast_to byte
    byteswap capitalize casefold cauchy_ ccol_indices cdouble ceil ceil_ center cfloat chalf char cholesky
    cholesky_inverse cholesky_solve choose chunk clamp clamp_ clamp_max clamp_max_ clamp_min clamp_min_ clear
    clip clip_ clone clone_state coalesce col_indices compress conj conj_physical conj_physical_ conjugate
    const_data_ptr contiguous copy copy_ copysign copysign_ corrcoef cos cos_ cosh cosh_ count count_nonzero
    cov cpu cross crow_indices cuda cummax cummin cumprod cumprod_ cumsum cumsum_ data decode deg2rad deg2rad_
    denominator dense_dim dequantize det detach detach_ device diag diag_embed diagflat diagonal
    diagonal_scatter diff difference difference_update digamma digamma_ dim dim_order discard dist div div_
    divide divide_ dot double dsplit dtype eig element_size encode endswith eq eq_ equal erf erf_ erfc erfc_
    erfinv erfinv_ exp exp2 exp2_ exp_ expand expand_as expandtabs expm1 expm1_ exponential_ extend fill fill_
    fill_diagonal_ find fix fix_ flags flat flatten flip fliplr flipud float float_power float_power_ floor
    floor_ floor_divide floor_divide_ fmax fmin fmod fmod_ format format_map frac frac_ frexp from_bytes
    fromhex fromkeys gather gcd gcd_ ge ge_ geometric_ geqrf ger get get_device get_offset get_state getfield
    grad grad_dtype grad_fn graphsafe_get_state graphsafe_set_state greater greater_ greater_equal
    greater_equal_ gt gt_ half hardshrink hash_tensor heaviside heaviside_ hex histc histogram hsplit hypot
    hypot_ i0 i0_ igamma igamma_ igammac igammac_ imag index index_add index_add_ index_copy index_copy_
    index_fill index_fill_ index_put index_put_ index_reduce index_reduce_ index_select indices initial_seed
    inner insert int int_repr intersection intersection_update inverse ipu is_coalesced is_complex is_conj
    is_contiguous is_cpu is_cuda is_distributed is_floating_point is_inference is_integer is_ipu is_leaf
    is_maia is_meta is_mkldnn is_mps is_mtia is_neg is_nested is_nonzero is_pinned is_quantized is_same_size
    is_set_to is_shared is_signed is_sparse is_sparse_csr is_vulkan is_xla is_xpu isalnum isalpha isascii
    isclose isdecimal isdigit isdisjoint isfinite isidentifier isinf islower isnan isneginf isnumeric isposinf
    isprintable isreal isspace issubset issuperset istft istitle isupper item items itemsize join keys kron
    kthvalue layout lcm lcm_ ldexp ldexp_ le le_ lerp lerp_ less less_ less_equal less_equal_ lgamma lgamma_
    ljust log log10 log10_ log1p log1p_ log2 log2_ log_ log_normal_ log_softmax logaddexp logaddexp2
    logcumsumexp logdet logical_and logical_and_ logical_not logical_not_ logical_or logical_or_ logical_xor
    logical_xor_ logit logit_ logsumexp long lower lstrip lstsq lt lt_ lu lu_solve mH mT maketrans manual_seed
    masked_fill masked_fill_ masked_scatter masked_scatter_ masked_select matmul matrix_exp matrix_power max
    maximum mean median min minimum mm mode module_load moveaxis movedim msort mtia mul mul_ multinomial
    multiply multiply_ mv mvlgamma mvlgamma_ name nan_to_num nan_to_num_ nanmean nanmedian nanquantile nansum
    narrow narrow_copy nbytes ndim ndimension ne ne_ neg neg_ negative negative_ nelement new new_empty
    new_empty_strided new_full new_ones new_tensor new_zeros nextafter nextafter_ nonzero nonzero_static norm
    normal_ not_equal not_equal_ numel numerator numpy orgqr ormqr outer output_nr partition permute
    pin_memory pinverse polygamma polygamma_ pop popitem positive pow pow_ prelu prod put put_
    q_per_channel_axis q_per_channel_scales q_per_channel_zero_points q_scale q_zero_point qr qscheme quantile
    rad2deg rad2deg_ random_ ravel real reciprocal reciprocal_ record_stream reinforce relu relu_ remainder
    remainder_ remove removeprefix removesuffix renorm renorm_ repeat repeat_interleave replace requires_grad
    requires_grad_ reshape reshape_as resize resize_ resize_as resize_as_ resize_as_sparse_ resolve_conj
    resolve_neg retain_grad retains_grad reverse rfind rindex rjust roll rot90 round round_ row_indices
    rpartition rsplit rsqrt rsqrt_ rstrip scatter scatter_ scatter_add scatter_add_ scatter_reduce
    scatter_reduce_ searchsorted seed select select_scatter set_ set_offset set_state setdefault setfield
    setflags sgn sgn_ shape share_memory_ short sigmoid sigmoid_ sign sign_ signbit sin sin_ sinc sinc_ sinh
    sinh_ size slice_inverse slice_scatter slogdet smm softmax solve sort sorted_indices sparse_dim
    sparse_mask sparse_resize_ sparse_resize_and_clear_ split split_with_sizes splitlines sqrt sqrt_ square
    square_ squeeze squeeze_ sspaddmm start startswith std step stft stop storage_offset storage_type stride
    strides strip sub sub_ subtract subtract_ sum sum_to_size svd swapaxes swapaxes_ swapcase swapdims
    swapdims_ symeig symmetric_difference symmetric_difference_update t t_ take take_along_dim tan tan_ tanh
    tanh_ tensor_split tile title to to_bytes to_complex to_dense to_device to_mkldnn to_padded_tensor to_real
    to_sparse to_sparse_bsc to_sparse_bsr to_sparse_coo to_sparse_csc to_sparse_csr tobytes tolist topk trace
    translate transpose transpose_ triangular_solve tril tril_ triu triu_ true_divide true_divide_ trunc
    trunc_ type type_as unbind unflatten unfold uniform_ union unique unique_consecutive unsafe_chunk
    unsafe_split unsafe_split_with_sizes unsorted_indices unsqueeze unsqueeze_ update upper values var vdot
    view view_as volatile vsplit where xlogy xlogy_ xpu zero_ zfill
""".split())


# Public attributes of an nn.Module (a learner's own modules, or the rnn where calling it is the task).
MODULE_ATTRIBUTES = frozenset("""
    T_destination add_module all_weights apply batch_first bfloat16 bias bidirectional buffers call_super_init
    check_forward_args check_hidden_size check_input children compile cpu cuda double dropout dump_patches
    eval extra_repr flatten_parameters float forward get_buffer get_expected_hidden_size get_extra_state
    get_parameter get_submodule half hidden_size input_size ipu load_state_dict mode modules mtia
    named_buffers named_children named_modules named_parameters nonlinearity num_layers parameters
    permute_hidden proj_size register_backward_hook register_buffer register_forward_hook
    register_forward_pre_hook register_full_backward_hook register_full_backward_pre_hook
    register_load_state_dict_post_hook register_load_state_dict_pre_hook register_module register_parameter
    register_state_dict_post_hook register_state_dict_pre_hook requires_grad_ reset_parameters set_extra_state
    set_submodule share_memory state_dict to to_empty train training type xpu zero_grad
""".split())
