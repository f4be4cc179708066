/**
 * Canonical equations by topic. When an abstract carries no formula and no headline number, the punch
 * states the standard object the paper works on (as the examples do: "the canonical microstructure
 * mechanism behind many top features is OFI → Δp"), named as background, never as the paper's result.
 * Most specific first.
 */
export interface CanonicalFormula {
  /** Topic, for the lead-in ("The object underneath (entropic optimal transport): …"). */
  topic: string;
  pattern: RegExp;
  tex: string;
  /** One clause that reads the formula in words. */
  gloss: string;
}

export const CANONICAL_FORMULAS: CanonicalFormula[] = [
  {
    // Before "quantum dynamics": a Schrödinger bridge/process is entropic OT on path space, not quantum mechanics.
    topic: "Schrödinger bridge",
    pattern: /schr(?:ö|o|\\"o|\\"\{o\})dinger (?:bridge|process|problem|system)/i,
    tex: String.raw`P^\star=\arg\min_{P:\,P_0=\mu,\;P_1=\nu}\;\mathrm{KL}(P\,\|\,R)`,
    gloss:
      "the path measure closest in relative entropy to a reference Brownian motion R with the prescribed end marginals; its static form is entropic optimal transport",
  },
  {
    topic: "entropic optimal transport",
    pattern: /sinkhorn|entropic (optimal transport|OT|regulari)/i,
    tex: String.raw`P^\star=\arg\min_{P\mathbf 1=a,\;P^\top\mathbf 1=b}\;\langle C,P\rangle-\varepsilon H(P)`,
    gloss:
      "a coupling P that is cheap under cost C and smoothed by entropy; Sinkhorn alternates the two marginal normalizations",
  },
  {
    topic: "optimal transport",
    pattern: /optimal[- ]transport|wasserstein|kantorovich|monge/i,
    tex: String.raw`W_c(\mu,\nu)=\inf_{\pi\in\Pi(\mu,\nu)}\int c(x,y)\,d\pi(x,y)`,
    gloss: "the cheapest way to move mass μ onto ν under cost c",
  },
  {
    topic: "mean-field games",
    pattern: /mean[- ]field game/i,
    tex: String.raw`-\partial_t u-\nu\Delta u+H(x,\nabla u)=f(x,m),\qquad \partial_t m-\nu\Delta m-\nabla\cdot(m\,\partial_pH)=0`,
    gloss:
      "a backward HJB equation for the value u coupled to a forward Fokker–Planck equation for the population m",
  },
  {
    topic: "flow matching",
    pattern: /flow matching|rectified flow|stochastic interpolant/i,
    tex: String.raw`\min_\theta\;\mathbb E_{t,x_0,x_1}\big\|v_\theta(x_t,t)-(x_1-x_0)\big\|^2,\qquad x_t=(1-t)x_0+tx_1`,
    gloss:
      "regress a velocity field onto the straight-line velocity between noise and data; sampling integrates ẋ = v",
  },
  {
    topic: "score-based diffusion",
    pattern: /diffusion model|score[- ]based|denoising diffusion|score matching/i,
    tex: String.raw`\min_\theta\;\mathbb E_{t,x_0,\epsilon}\big\|\epsilon_\theta(\sqrt{\bar\alpha_t}x_0+\sqrt{1-\bar\alpha_t}\,\epsilon,\,t)-\epsilon\big\|^2`,
    gloss: "learn to predict the injected noise; the network is a rescaled score ∇ log pₜ",
  },
  {
    topic: "Hawkes processes",
    pattern: /hawkes|self[- ]exciting/i,
    tex: String.raw`\lambda(t)=\mu+\int_{-\infty}^{t}\alpha e^{-\beta(t-s)}\,dN(s)`,
    gloss: "each event raises the intensity of the next ones, which decays at rate β",
  },
  {
    topic: "order-flow imbalance",
    pattern: /order[- ]book|order[- ]flow|microstructure|\bLOB\b/i,
    tex: String.raw`\Delta p_{t+1}\approx\lambda\,\mathrm{OFI}_t,\qquad \mathrm{OFI}_t=\Delta V^{\text{bid}}_t-\Delta V^{\text{ask}}_t`,
    gloss: "short-horizon price moves are, to first order, linear in order-flow imbalance",
  },
  {
    topic: "market making",
    pattern: /market[- ]mak/i,
    tex: String.raw`r=s-q\gamma\sigma^2(T-t),\qquad \delta^a+\delta^b=\gamma\sigma^2(T-t)+\tfrac{2}{\gamma}\ln\!\big(1+\tfrac{\gamma}{k}\big)`,
    gloss:
      "the Avellaneda–Stoikov reservation price shifts against inventory q and the optimal spread widens with risk aversion γ",
  },
  {
    topic: "stochastic control",
    pattern: /stochastic (optimal )?control|hamilton[- ]jacobi|\bHJB\b|impulse control|optimal control/i,
    tex: String.raw`\partial_t V+\sup_{a}\big\{\mathcal L^aV+f(x,a)\big\}=0`,
    gloss:
      "the Hamilton–Jacobi–Bellman equation: the value function is optimal against the controlled generator",
  },
  {
    topic: "option pricing",
    pattern: /option pricing|black[- ]scholes|implied volatility|\bCEV\b|volatility model/i,
    tex: String.raw`\partial_t V+\tfrac12\sigma^2(S)S^2\,\partial_{SS}V+rS\,\partial_SV-rV=0`,
    gloss: "the pricing PDE; the model lives in the local volatility σ(S) (CEV: σ(S) ∝ S^(β−1))",
  },
  {
    topic: "portfolio choice",
    pattern: /portfolio/i,
    tex: String.raw`\max_w\;w^\top\mu-\tfrac{\gamma}{2}\,w^\top\Sigma w\quad\text{s.t.}\quad \mathbf 1^\top w=1`,
    gloss: "mean–variance: expected return traded against risk at aversion γ",
  },
  {
    topic: "preference optimization",
    pattern: /\bDPO\b|preference optimi|RLHF|alignment/i,
    tex: String.raw`\max_\pi\;\mathbb E_{y\sim\pi}[r(x,y)]-\beta\,\mathrm{KL}\big(\pi(\cdot\mid x)\,\|\,\pi_{\text{ref}}(\cdot\mid x)\big)`,
    gloss: "reward traded against staying close to the reference model; its optimum is π ∝ π_ref·exp(r/β)",
  },
  {
    topic: "policy gradients",
    pattern: /reinforcement learning|policy gradient|\bPPO\b|actor[- ]critic|offline RL|Q-learning|reward/i,
    tex: String.raw`\nabla_\theta J(\theta)=\mathbb E_{\pi_\theta}\big[\nabla_\theta\log\pi_\theta(a\mid s)\,A^{\pi}(s,a)\big]`,
    gloss: "raise the log-probability of actions in proportion to their advantage",
  },
  {
    topic: "low-rank adaptation",
    pattern: /\bLoRA\b|low[- ]rank adapt/i,
    tex: String.raw`W=W_0+\tfrac{\alpha}{r}BA,\qquad B\in\mathbb R^{d\times r},\;A\in\mathbb R^{r\times k},\;r\ll\min(d,k)`,
    gloss: "the frozen weights plus a trainable rank-r update",
  },
  {
    topic: "Kolmogorov–Arnold networks",
    pattern: /kolmogorov[- ]arnold|\bKANs?\b/i,
    tex: String.raw`f(x)=\sum_{q=0}^{2n}\Phi_q\Big(\sum_{p=1}^{n}\phi_{q,p}(x_p)\Big)`,
    gloss:
      "every continuous function of n variables is a sum of compositions of one-dimensional functions — KANs learn the φ's",
  },
  {
    topic: "mixture of experts",
    pattern: /mixture[- ]of[- ]experts|\bMoE\b/i,
    tex: String.raw`y=\sum_{e\in\operatorname{TopK}(g(x))} g_e(x)\,E_e(x),\qquad g(x)=\operatorname{softmax}(W_gx)`,
    gloss: "a router sends each input to a few experts and mixes their outputs",
  },
  {
    topic: "attention",
    pattern: /attention|transformer/i,
    tex: String.raw`\operatorname{Attn}(Q,K,V)=\operatorname{softmax}\big(QK^\top/\sqrt{d}\big)V`,
    gloss: "each query takes a softmax-weighted average of the values, weighted by key similarity",
  },
  {
    topic: "language modeling",
    pattern: /language model|\bLLMs?\b|next[- ]token/i,
    tex: String.raw`\mathcal L(\theta)=-\sum_{t}\log p_\theta(x_t\mid x_{<t})`,
    gloss: "next-token cross-entropy, the objective everything downstream inherits",
  },
  {
    topic: "contrastive learning",
    pattern: /contrastive|InfoNCE|self[- ]supervised/i,
    tex: String.raw`\mathcal L=-\log\frac{e^{s(x,x^+)/\tau}}{\sum_{x'}e^{s(x,x')/\tau}}`,
    gloss: "pull a positive pair together against a batch of negatives at temperature τ",
  },
  {
    topic: "variational inference",
    pattern: /variational (inference|autoencoder|bayes)|\bELBO\b|\bVAE\b/i,
    tex: String.raw`\log p(x)\ge\mathbb E_{q(z\mid x)}[\log p(x\mid z)]-\mathrm{KL}\big(q(z\mid x)\,\|\,p(z)\big)`,
    gloss: "the evidence lower bound: reconstruction traded against staying close to the prior",
  },
  {
    topic: "Bayesian inference",
    pattern: /bayesian|posterior/i,
    tex: String.raw`p(\theta\mid \mathcal D)\propto p(\mathcal D\mid\theta)\,p(\theta)`,
    gloss: "beliefs updated by the likelihood of the data",
  },
  {
    topic: "Gaussian processes",
    pattern: /gaussian process/i,
    tex: String.raw`\mu(x_*)=k_*^\top(K+\sigma^2I)^{-1}y`,
    gloss: "the posterior mean is a kernel-weighted combination of the observations",
  },
  {
    topic: "graph neural networks",
    pattern: /graph neural|\bGNNs?\b|message passing/i,
    tex: String.raw`h_v^{(k+1)}=\phi\Big(h_v^{(k)},\;\bigoplus_{u\in\mathcal N(v)}\psi\big(h_v^{(k)},h_u^{(k)}\big)\Big)`,
    gloss: "each node updates from an aggregate of messages from its neighbours",
  },
  {
    topic: "neural ODEs",
    pattern: /neural ODE|continuous[- ]time|dynamical system|koopman/i,
    tex: String.raw`\dot x(t)=f_\theta\big(x(t),t\big),\qquad x(T)=x(0)+\int_0^T f_\theta\big(x(t),t\big)\,dt`,
    gloss: "the state evolves by a learned vector field",
  },
  {
    topic: "time-series forecasting",
    pattern: /time[- ]series|forecast/i,
    tex: String.raw`\hat y_{t+h}=f_\theta(y_{t},y_{t-1},\dots,y_{t-L+1})`,
    gloss: "predict h steps ahead from a window of L past values",
  },
  {
    topic: "clustering",
    pattern: /cluster/i,
    tex: String.raw`\min_{c_1,\dots,c_k}\sum_{i}\min_j d(x_i,c_j)^2`,
    gloss: "assign each point to its nearest centroid under the distance d",
  },
  {
    topic: "stochastic optimization",
    pattern: /optimi[sz]er|stochastic gradient|\bSGD\b|\bAdam\b|momentum/i,
    tex: String.raw`m_{t+1}=\beta m_t+(1-\beta)g_t,\qquad \theta_{t+1}=\theta_t-\eta\,\phi(m_{t+1})`,
    gloss:
      "momentum on stochastic gradients gₜ, applied through an update map φ (identity for SGD, sign for signSGD)",
  },
  {
    topic: "federated learning",
    pattern: /federated/i,
    tex: String.raw`\theta^{t+1}=\sum_{k}\frac{n_k}{n}\,\theta_k^{t+1},\qquad \theta_k^{t+1}=\text{local SGD from }\theta^{t}`,
    gloss: "clients train locally and the server averages their models",
  },
  {
    topic: "conformal prediction",
    pattern: /conformal/i,
    tex: String.raw`\Pr\big(Y_{n+1}\in C(X_{n+1})\big)\ge1-\alpha`,
    gloss: "distribution-free coverage from exchangeability alone",
  },
  {
    topic: "differential privacy",
    pattern: /differential(ly)? priva/i,
    tex: String.raw`\Pr[M(D)\in S]\le e^{\varepsilon}\Pr[M(D')\in S]+\delta`,
    gloss: "neighbouring datasets give nearly indistinguishable outputs",
  },
  {
    topic: "panel regression",
    pattern: /panel data|fixed effects|regression/i,
    tex: String.raw`y_{it}=\alpha_i+\beta^\top x_{it}+\varepsilon_{it}`,
    gloss:
      "an outcome per unit i and period t, with unit effects αᵢ absorbing what does not change over time",
  },
  {
    // Before the quantum entries: a paper on the geometry of (quantum) states is about a metric, not dynamics.
    topic: "information geometry",
    pattern:
      /information[- ]geometr|fisher[- ](?:information|metric|rao)|natural gradient|\bbures\b|kubo[- ]mori|quantum fisher|statistical manifold/i,
    tex: String.raw`g_{ij}(\theta)=\mathbb E_{p_\theta}\big[\partial_i\log p_\theta\,\partial_j\log p_\theta\big],\qquad \mathrm{KL}\big(p_\theta\,\|\,p_{\theta+d\theta}\big)\approx\tfrac12\,d\theta^\top g(\theta)\,d\theta`,
    gloss:
      "the Fisher metric is the curvature of the KL divergence, which turns a parameter space into a Riemannian manifold (for quantum states, the Bures and Kubo–Mori metrics play its role)",
  },
  {
    // Only when the paper is about time evolution: "Hamiltonian" or "quantum state" alone is not dynamics.
    topic: "quantum dynamics",
    pattern:
      /schr[öo]dinger equation|quantum (?:dynamics|evolution|quench(?:es)?|walks?)|(?:unitary|real[- ]time|time) evolution|hamiltonian (?:dynamics|simulation)/i,
    tex: String.raw`i\hbar\,\partial_t\lvert\psi(t)\rangle=H\lvert\psi(t)\rangle`,
    gloss: "the state evolves unitarily under the Hamiltonian H",
  },
  {
    topic: "quantum states",
    pattern:
      /quantum (?:states?|information|channels?|entangle\w*)|density (?:matrix|matrices|operators?)|entangle\w*|qubits?/i,
    tex: String.raw`\rho\succeq0,\quad \operatorname{tr}\rho=1,\qquad S(\rho)=-\operatorname{tr}\,\rho\log\rho`,
    gloss:
      "a quantum state is a density operator ρ; its von Neumann entropy S measures how mixed it is (a Gibbs state is ρ ∝ e^{−βH})",
  },
  {
    topic: "statistical mechanics",
    pattern: /partition function|free energy|ising|boltzmann/i,
    tex: String.raw`F=-\beta^{-1}\log Z,\qquad Z=\sum_{x}e^{-\beta E(x)}`,
    gloss: "free energy from the partition function at inverse temperature β",
  },
  {
    topic: "classification",
    pattern: /classif/i,
    tex: String.raw`\hat y=\arg\max_k\;p_\theta(k\mid x),\qquad \mathcal L=-\sum_i\log p_\theta(y_i\mid x_i)`,
    gloss: "predict the most probable class; train by cross-entropy",
  },
];

/** Last resort by arXiv archive, so that every punch carries a formula. */
export const ARCHIVE_FORMULAS: Record<string, CanonicalFormula> = {
  default: {
    topic: "empirical risk minimization",
    pattern: /./,
    tex: String.raw`\hat\theta=\arg\min_\theta\;\frac1n\sum_{i=1}^n\ell\big(f_\theta(x_i),y_i\big)`,
    gloss: "fit the model that minimizes average loss on the data",
  },
  econ: {
    topic: "a linear outcome model",
    pattern: /./,
    tex: String.raw`y_{i}=\alpha+\beta^\top x_{i}+\varepsilon_{i}`,
    gloss: "the effect of interest is β, identified only if ε is unrelated to x",
  },
  math: {
    topic: "the object of study",
    pattern: /./,
    tex: String.raw`\forall\varepsilon>0\;\exists\delta>0:\;\|x-y\|<\delta\Rightarrow\|f(x)-f(y)\|<\varepsilon`,
    gloss: "the style of statement proved: quantitative control of one quantity by another",
  },
  physics: {
    topic: "the governing dynamics",
    pattern: /./,
    tex: String.raw`\delta S=\delta\int L(q,\dot q,t)\,dt=0`,
    gloss: "dynamics as a stationary action",
  },
};
