import numpy as np

from atoms.experiments.layer_convergence import distance_to_final, relative_step, settle_step


def test_distance_to_final_runs_from_one_to_zero():
    weights = np.array([[[0.0, 0.0], [3.0, 4.0], [6.0, 8.0]]])[..., None]  # [K=1, R=3, 2, 1]
    np.testing.assert_allclose(distance_to_final(weights), [[1.0, 0.5, 0.0]])


def test_settle_step_needs_the_ratio_to_stay_below():
    steps = np.array([0, 2, 4, 6, 8])
    ratio = np.array([[1.0, 0.01, 0.2, 0.03, 0.0],  # dips, comes back, settles at step 6
                      [1.0, 0.01, 0.02, 0.01, 0.0]])  # settles at step 2
    np.testing.assert_array_equal(settle_step(ratio, steps, 0.05), [6, 2])


def test_settle_step_is_the_last_step_when_never_below_before():
    steps = np.array([0, 4, 8])
    np.testing.assert_array_equal(settle_step(np.array([1.0, 0.5, 0.0]), steps, 0.05), 8)


def test_relative_step_is_per_step():
    weights = np.array([[[1.0], [2.0], [2.0]]])[..., None]  # [K=1, R=3, 1, 1]
    np.testing.assert_allclose(relative_step(weights, np.array([0, 2, 6])), [[0.5, 0.0]])


def test_every_claim_is_registered_and_the_main_loss_trends_are_primary():
    """The issue-12 setting (Glorot biases, snapshots every 2 steps, 20 seeds) was fixed before any run of it."""
    from conftest import smoke_result

    from atoms.experiments.layer_convergence import LayerConvergence

    found = smoke_result(LayerConvergence).claims()
    assert all(claim.registered for claim in found)
    primary = {claim.id for claim in found if claim.primary}
    assert primary == {"later_layers_settle_first_adam_cross_entropy", "later_layers_settle_first_sgd_cross_entropy"}


def test_the_network_starts_from_glorot_uniform_weights_and_biases_as_in_the_original():
    from atoms.experiments.layer_convergence import LayerConvergence

    network = LayerConvergence.network(50)
    assert network.hidden == (50, 50, 50) and network.activation == "sigmoid"
    assert network.weight_init.name == network.bias_init.name == "glorot_uniform"
